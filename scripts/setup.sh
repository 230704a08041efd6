#!/usr/bin/env bash
# Installs what Casilla Desktop needs on a fresh Debian 12 machine: system packages, then `npm ci`.
#   bash scripts/setup.sh          what the app needs (native module build deps, keychain library)
#   bash scripts/setup.sh --test   plus what the tests need (Chromium, pdfsig, qpdf, mutool, gnome-keyring...)
set -euo pipefail
cd "$(dirname "$0")/.."

app_pkgs=(build-essential python3 libsecret-1-dev libsecret-1-0)
test_pkgs=(chromium poppler-utils qpdf mupdf-tools openssl gnome-keyring dbus libnss3-tools libreoffice-writer-nogui softhsm2 opensc faketime unzip)
pkgs=("${app_pkgs[@]}")
[ "${1:-}" = "--test" ] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Instalando paquetes del sistema: ${missing[*]}"
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Electron's binary cannot be downloaded on our build machines; native modules build against Node's headers.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
