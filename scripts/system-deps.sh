#!/usr/bin/env bash
# Paquets Debian nécessaires aux tests et à la correction :
#   chromium    tests dans un vrai navigateur (sans téléchargement de navigateur) ;
#   bubblewrap  bac à sable où s'exécute le code des internes pendant la correction ;
#   postgresql  carnet de notes d'un département (option --base postgresql://…), démarré par les tests ;
#   nodejs, npm outils JavaScript depuis le registre npm : axe-core (vérification d'accessibilité)
#               et configurable-http-proxy, le proxy de JupyterHub (atelier hub) ;
#   util-linux  setpriv et runuser (atelier hub : chaque JupyterLab sous le compte de son interne).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
