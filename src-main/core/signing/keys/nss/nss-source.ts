/**
 * The Linux NSS store (the certificates and keys Firefox and Chromium hold) as a key source: NSS's own PKCS#11
 * module, the softoken (libsoftokn3), opened read-only over a browser's database folder. The database password
 * (often empty) plays the role of the PIN.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pkcs11Source } from '../pkcs11/pkcs11-source';

const SOFTOKN = [
  '/usr/lib/x86_64-linux-gnu/libsoftokn3.so',
  '/usr/lib64/libsoftokn3.so',
  '/usr/lib/libsoftokn3.so',
  '/usr/lib/aarch64-linux-gnu/libsoftokn3.so',
];

export function nssSoftokenPath(): string | null {
  return SOFTOKN.find((p) => fs.existsSync(p)) ?? null;
}

/** Chromium's shared database and every Firefox profile's, when present (Linux). */
export function defaultNssDatabases(home = os.homedir()): string[] {
  const out: string[] = [];
  const chromium = path.join(home, '.pki', 'nssdb');
  if (fs.existsSync(path.join(chromium, 'cert9.db'))) out.push(chromium);
  for (const base of [path.join(home, '.mozilla', 'firefox'), path.join(home, 'snap', 'firefox', 'common', '.mozilla', 'firefox')]) {
    let profiles: string[] = [];
    try {
      profiles = fs.readdirSync(base);
    } catch {
      continue;
    }
    for (const p of profiles) if (fs.existsSync(path.join(base, p, 'cert9.db'))) out.push(path.join(base, p));
  }
  return out;
}

/** `dbDir`: a folder with cert9.db/key4.db (an `sql:` prefix is accepted). */
export function nssSource(dbDir: string, softoken = nssSoftokenPath()): Pkcs11Source | null {
  if (!softoken) return null;
  const dir = dbDir.replace(/^sql:/, '');
  const quoted = dir.replace(/'/g, "\\'");
  return new Pkcs11Source(softoken, {
    kind: 'nss',
    initParameters: `configdir='sql:${quoted}' certPrefix='' keyPrefix='' secmod='secmod.db' flags=readOnly`,
  });
}
