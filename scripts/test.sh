#!/usr/bin/env bash
# Installe puis lance toute la suite de tests (unitaires, livre, nbgrader, Voilà + navigateur).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest "$@"
