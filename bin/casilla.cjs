#!/usr/bin/env node
'use strict';
// The `casilla` command. The CLI is bundled into dist/ by `npm ci` (the `prepare` script) or `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const entry = path.join(__dirname, '..', 'dist', 'node', 'cli.cjs');
if (!fs.existsSync(entry)) {
  process.stderr.write('Casilla Desktop no está compilado. Ejecute: npm run build:node\n');
  process.exit(2);
}
require(entry);
