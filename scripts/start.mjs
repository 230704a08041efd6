// `npm start`: builds what is missing or stale, then starts the Electron app. When no Electron binary can be
// found (our build machines cannot download it), it says so in one line and starts the browser mode instead.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function newestMtime(dir) {
  let newest = 0;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return newest;
}

function mtime(file) {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

function ensureBuilt() {
  const sources = Math.max(newestMtime(path.join(root, 'src-main')), newestMtime(path.join(root, 'src-renderer')));
  const parts = [];
  if (mtime(path.join(root, 'dist/node/cli.cjs')) < sources || mtime(path.join(root, 'dist/main/app.cjs')) < sources) parts.push('--node');
  if (mtime(path.join(root, 'dist/renderer/index.html')) < newestMtime(path.join(root, 'src-renderer'))) parts.push('--renderer');
  if (parts.length === 0) return;
  console.log('Compilando Casilla Desktop…');
  for (const part of parts) {
    const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), part], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}

/** The Electron binary's path, or null when the package has no binary (download skipped or blocked). */
function electronBinary() {
  try {
    const bin = require('electron');
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

ensureBuilt();
const electron = process.env.CASILLA_BROWSER_MODE ? null : electronBinary();
const extra = process.argv.slice(2);
let child;
if (electron) {
  child = spawn(electron, [root, ...extra], { stdio: 'inherit' });
} else {
  console.log('Electron no está disponible en esta máquina (su binario no se pudo instalar): se inicia el modo navegador.');
  const open = process.env.CI || !process.env.DISPLAY ? [] : ['--open'];
  child = spawn(process.execPath, [path.join(root, 'bin/casilla.cjs'), ...extra, 'serve', ...open], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
