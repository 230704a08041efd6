// Builds the Node bundles (CLI and local web host, Electron main, preload) with esbuild and the renderer with
// Vite. `--node` or `--renderer` builds one part; no flag builds both. `--if-missing` skips parts already built.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const ifMissing = args.has('--if-missing');
const wantNode = args.has('--node') || !args.has('--renderer');
const wantRenderer = args.has('--renderer') || !args.has('--node');

// Native modules and Electron stay outside the bundle (electron-builder unpacks natives from the asar).
const external = ['electron', 'better-sqlite3', 'keytar', 'pkcs11js'];

async function buildNode() {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: true,
    external,
    logLevel: 'warning',
    absWorkingDir: root,
  };
  // `pdf-worker` is the worker thread that reads untrusted PDFs (core/isolate); each bundle ships its own copy.
  const worker = { 'pdf-worker': 'src-main/core/isolate/pdf-worker.ts' };
  await build({
    ...common,
    entryPoints: { cli: 'src-main/cli/index.ts', ...worker },
    outdir: 'dist/node',
    outExtension: { '.js': '.cjs' },
  });
  await build({ ...common, entryPoints: { app: 'src-main/app/main.ts', ...worker }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } });
  // The preload runs in Electron's sandbox: one file, only `electron` may be required.
  await build({
    ...common,
    entryPoints: { preload: 'src-main/preload/index.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
  });
}

function buildRenderer() {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('La compilación de la interfaz falló');
}

if (wantNode && !(ifMissing && existsSync(path.join(root, 'dist/node/cli.cjs')))) await buildNode();
if (wantRenderer && !(ifMissing && existsSync(path.join(root, 'dist/renderer/index.html')))) buildRenderer();
