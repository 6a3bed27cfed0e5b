#!/usr/bin/env bash
# Paquets Debian nécessaires aux tests : chromium (tests dans un vrai navigateur, sans téléchargement de navigateur).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
