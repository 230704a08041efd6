import fs from 'node:fs';
import path from 'node:path';

/** Where the built renderer is, from a bundle in dist/node or from the sources under vitest. */
export function resolveRendererDir(): string {
  const candidates = [
    path.resolve(__dirname, '..', 'renderer'),
    path.resolve(__dirname, '..', '..', 'dist', 'renderer'),
    path.resolve(process.cwd(), 'dist', 'renderer'),
  ];
  return candidates.find((d) => fs.existsSync(path.join(d, 'index.html'))) ?? candidates[candidates.length - 1]!;
}
