#!/usr/bin/env bash
# Installe Atelier MG dans .venv (dépendances exactes de requirements.txt + le paquet en mode éditable).
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
