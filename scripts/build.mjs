// Builds the Node bundles (CLI and local web host, Electron main, preload) with esbuild and the renderer with
// Vite. `--node` or `--renderer` builds one part; no flag builds both. `--if-missing` skips parts already built.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  // `pdf-worker-boot` loads it through V8's code cache (src-main/core/code-cache.ts); `pdf-worker-verify` is the
  // verifier, required by the worker on its first verification only.
  const worker = {
    'pdf-worker': 'src-main/core/isolate/pdf-worker.ts',
    'pdf-worker-boot': 'src-main/core/isolate/pdf-worker-boot.ts',
    'pdf-worker-verify': 'src-main/core/isolate/pdf-worker-verify.ts',
  };
  await buildCli(common);
  // vm.Script (the code cache) has no import(): the worker's lazy imports become requires.
  const verifyApart = {
    name: 'pdf-worker-verify-apart',
    setup(b) {
      b.onResolve({ filter: /^\.\/pdf-worker-verify$/ }, (args) =>
        args.importer.endsWith('pdf-worker.ts') ? { path: './pdf-worker-verify.cjs', external: true } : undefined,
      );
    },
  };
  const workerOpts = { ...common, plugins: [verifyApart], supported: { 'dynamic-import': false }, outExtension: { '.js': '.cjs' } };
  await build({ ...workerOpts, entryPoints: worker, outdir: 'dist/node' });
  await build({ ...workerOpts, entryPoints: worker, outdir: 'dist/main' });
  await build({ ...common, entryPoints: { app: 'src-main/app/main.ts' }, outdir: 'dist/main', outExtension: { '.js': '.cjs' } });
  // The preload runs in Electron's sandbox: one file, only `electron` may be required.
  await build({
    ...common,
    entryPoints: { preload: 'src-main/preload/index.ts' },
    outdir: 'dist/preload',
    outExtension: { '.js': '.cjs' },
  });
}

/**
 * The CLI: a small launcher (dist/node/cli.cjs, node builtins only) that loads one bundle per command
 * (cli-<name>.cjs, from each module of src-main/cli/commands/ exporting `<name>Command`) or cli-main.cjs for
 * --version, --help and errors. Each bundle is a whole program linking only its command, so nothing is shared
 * across bundles at run time.
 */
async function buildCli(common) {
  const outdir = path.join(root, 'dist/node');
  rmSync(outdir, { recursive: true, force: true });
  const commandsDir = path.join(root, 'src-main/cli/commands');
  const commands = readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ name: f.slice(0, -3), source: readFileSync(path.join(commandsDir, f), 'utf8') }))
    .filter(({ name, source }) => new RegExp(`export const ${name}Command\\b`).test(source))
    .map(({ name }) => name);
  // zod's locale is set only in bundles whose command uses zod (a metafile pass tells), so `sign` does not
  // load 700 kB of zod to configure it.
  const entry = (name, withZod) =>
    name === 'main'
      ? `import { main } from './src-main/cli/main';\nexport const run = (argv: string[]) => main(argv, { commands: {} });\n`
      : [
          `import { main } from './src-main/cli/main';`,
          `import { openCore } from './src-main/core/context';`,
          withZod ? `import { useZodLocale } from './src-main/cli/zod-locale';` : '',
          `import { ${name}Command } from './src-main/cli/commands/${name}';`,
          `export const run = (argv: string[]) => main(argv, { commands: { ${JSON.stringify(name)}: ${name}Command }, openCore${withZod ? ', useZodLocale' : ''} });`,
        ].join('\n');
  const cliBuild = (name, withZod) =>
    build({
      ...common,
      plugins: [lazyBuiltins],
      // The launcher compiles bundles with vm.Script, which has no import(): lazy natives load through require.
      supported: { 'dynamic-import': false },
      // Less to read and hash at every start; names kept readable in stack traces through the source map.
      minify: process.env.CASILLA_MINIFY !== '0',
      metafile: true,
      stdin: { contents: entry(name, withZod), loader: 'ts', resolveDir: root, sourcefile: `cli-${name}.ts` },
      outfile: path.join(outdir, `cli-${name}.cjs`),
    });
  await Promise.all([
    build({ ...common, entryPoints: { cli: 'src-main/cli/launcher.ts' }, outdir, outExtension: { '.js': '.cjs' } }),
    ...['main', ...commands].map(async (name) => {
      const first = await cliBuild(name, false);
      if (name !== 'main' && Object.keys(first.metafile.inputs).some((i) => i.includes('node_modules/zod/'))) await cliBuild(name, true);
    }),
  ]);
}

/**
 * Node builtins that cost milliseconds to load and that most runs never use (child_process for commander's
 * external subcommands, http/https for a TSA or a server, zlib for a compressed stream or image) become objects
 * whose properties load the real module on first use.
 */
const LAZY_BUILTINS = ['child_process', 'http', 'https', 'zlib'];
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`);
    b.onResolve({ filter }, (args) =>
      args.namespace === 'lazy-builtin'
        ? { path: args.path, external: true }
        : { path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, async (args) => {
      const names = Object.keys(await import(`node:${args.path}`)).filter((k) => k !== 'default');
      return {
        contents: [
          `let real;`,
          `const load = () => (real ??= require('node:${args.path}'));`,
          `for (const k of ${JSON.stringify(names)}) Object.defineProperty(exports, k, { enumerable: true, get: () => load()[k] });`,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

function buildRenderer() {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error('La compilación de la interfaz falló');
}

if (wantNode && !(ifMissing && existsSync(path.join(root, 'dist/node/cli.cjs')))) await buildNode();
if (wantRenderer && !(ifMissing && existsSync(path.join(root, 'dist/renderer/index.html')))) buildRenderer();
