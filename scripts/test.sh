#!/usr/bin/env bash
# Installe (chromium de Debian, dépendances Python exactes) puis lance toute la suite de tests :
# unitaires, données, livre, nbgrader, Voilà + navigateur.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/system-deps.sh
./scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/python -m pytest "$@"
