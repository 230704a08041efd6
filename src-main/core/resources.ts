import fs from 'node:fs';
import path from 'node:path';

/**
 * The `resources/` folder: next to the sources and bundles in a checkout, under Electron's resources path when
 * packaged (electron-builder's extraResources).
 */
export function resourcesDir(): string {
  const candidates = resourceCandidates();
  return candidates.find((d) => fs.existsSync(path.join(d, 'demo'))) ?? candidates[candidates.length - 1]!;
}

function resourceCandidates(): string[] {
  const packaged = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  return [
    ...(packaged ? [packaged] : []),
    path.resolve(__dirname, '..', '..', 'resources'),
    path.resolve(__dirname, '..', '..', '..', 'resources'),
    path.resolve(process.cwd(), 'resources'),
  ];
}

/** A file under `resources/` (e.g. `fonts/…`): the first place that has it, or null. */
export function resourceFile(relative: string): string | null {
  for (const d of resourceCandidates()) if (fs.existsSync(path.join(d, relative))) return path.join(d, relative);
  return null;
}

/** The demo signer shipped for the embedded default (a public test certificate; its password is documented). */
export function demoCertificate(): { path: string; password: string; rootPem: string } | null {
  const dir = path.join(resourcesDir(), 'demo');
  const p12 = path.join(dir, 'demo-firmante.p12');
  return fs.existsSync(p12) ? { path: p12, password: 'demo1234', rootPem: path.join(dir, 'demo-root.pem') } : null;
}
