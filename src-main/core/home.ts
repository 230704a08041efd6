import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'Casilla Desktop';

/**
 * The data folder shared by the Electron app, the browser mode and the CLI: `--home`, else `CASILLA_HOME`,
 * else the OS's per-user application data folder (the same one Electron's `userData` points to).
 */
export function resolveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.CASILLA_HOME) return path.resolve(env.CASILLA_HOME);
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
    case 'darwin':
      return path.join(os.homedir(), 'Library', 'Application Support', APP_DIR_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), APP_DIR_NAME);
  }
}

/** What in the data folder holds private data: the database, uploads, outbox attachments, the sandbox and its keys. */
const PRIVATE_ENTRIES = ['uploads', 'attachments', 'sandbox', 'run', 'reports', 'firmados', 'keys'];

/**
 * Makes the data folder private to the user, at every start (also when it already existed, created under
 * another umask or by an older version): the folder 0700, the database files (and their WAL/SHM) 0600, and
 * everything under the private sub-folders 0700 (folders) / 0600 (files). Symlinks are left alone. POSIX only:
 * on Windows the folder inherits the user's profile ACL. Returns how many modes it changed.
 */
export function secureDataFolder(home: string, dbFile: string): number {
  if (process.platform === 'win32') return 0;
  let changed = 0;
  const fix = (p: string, mode: number) => {
    try {
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink() || (st.mode & 0o777) === mode) return;
      fs.chmodSync(p, mode);
      changed++;
    } catch {
      // Gone meanwhile or not ours: nothing to protect here.
    }
  };
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  fix(home, 0o700);
  for (const suffix of ['', '-wal', '-shm', '-journal']) fix(path.join(home, dbFile + suffix), 0o600);
  // A fresh database file is created 0600 before SQLite opens it (no window with the umask's mode).
  const db = path.join(home, dbFile);
  if (!fs.existsSync(db)) fs.closeSync(fs.openSync(db, 'a', 0o600));
  let budget = 200_000; // bounded walk
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (--budget < 0) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        fix(p, 0o700);
        walk(p);
      } else if (e.isFile()) fix(p, 0o600);
    }
  };
  for (const name of PRIVATE_ENTRIES) {
    const p = path.join(home, name);
    if (!fs.existsSync(p) || fs.lstatSync(p).isSymbolicLink()) continue;
    fix(p, 0o700);
    walk(p);
  }
  return changed;
}
