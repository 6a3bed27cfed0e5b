#!/usr/bin/env bash
# Installe Atelier MG (paquets Debian, Python, configurable-http-proxy) puis démarre l'espace de travail
# de la promotion (atelier hub) ; à lancer en root : il crée un compte Unix par interne.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/system-deps.sh
./scripts/setup.sh
export PATH="$PWD/.venv/bin:$PATH"
exec .venv/bin/atelier hub "$@"
