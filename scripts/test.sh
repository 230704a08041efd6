#!/usr/bin/env bash
# The whole suite: build, type check, lint, unit + integration tests (real SQLite, real Secret Service,
# real sandbox over HTTP, real checkers), then end-to-end tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== build"; node scripts/build.mjs
echo "== typecheck"; npm run -s typecheck
echo "== lint"; npm run -s lint
echo "== unit + integration"; bash scripts/with-keyring.sh npx vitest run
echo "== e2e"; bash scripts/with-keyring.sh npx playwright test
