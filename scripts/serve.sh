#!/usr/bin/env bash
# Installe Atelier MG puis sert le livre et les tableaux de bord (atelier serve).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/atelier serve "$@"
