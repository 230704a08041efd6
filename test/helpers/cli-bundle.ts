import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(__dirname, '..', '..');

/**
 * The CLI bundled from source into one file for a test (not the per-command bundles of scripts/build.mjs), so
 * the test runs exactly the source it sees; native modules stay external, as in the app.
 */
export async function bundleCli(outfile: string): Promise<void> {
  await build({
    entryPoints: [path.join(root, 'src-main/cli/index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['electron', 'better-sqlite3', 'keytar', 'pkcs11js'],
    logLevel: 'error',
  });
}
