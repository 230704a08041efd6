#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service), with
# HOME and XDG folders in a temp dir so the developer's own keychain is never touched.
set -euo pipefail
if [ -n "${CASILLA_KEYRING_READY:-}" ]; then exec "$@"; fi
orig_home="$HOME"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config" XDG_CACHE_HOME="$tmp/cache" XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# npm's cache and config must stay the real ones: tests may call npx.
export npm_config_cache="${npm_config_cache:-$orig_home/.npm}"
export CASILLA_KEYRING_READY=1
exec dbus-run-session -- bash -c 'echo -n casilla-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' _ "$@"
