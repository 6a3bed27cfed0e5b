#!/usr/bin/env bash
# Installe Atelier MG dans .venv (dépendances exactes de requirements.txt + le paquet en mode éditable),
# puis les outils JavaScript aux versions exactes de package-lock.json (node_modules/).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -r requirements.txt
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
.venv/bin/python -m pip check
if command -v npm >/dev/null 2>&1; then
  if ! cmp -s package-lock.json node_modules/.atelier-lock 2>/dev/null; then
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json node_modules/.atelier-lock
  fi
fi
