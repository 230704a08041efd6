import Database from 'better-sqlite3';
import path from 'node:path';
import { AppError } from '../../api/result';
import { secureDataFolder } from '../home';
import { migrations, type Migration } from './migrations';
import { explainStorageError, withBusyRetry } from './storage-errors';

/** SQLite's own wait for a lock, before our retry with backoff (storage-errors.ts) takes over. */
export const BUSY_TIMEOUT_MS = 30_000;

export type Db = Database.Database;

export const DB_FILE = 'casilla.sqlite';

/**
 * Opens the app's one database connection. WAL for concurrent readers (the app and a CLI may share the
 * folder), synchronous=FULL because the outbox must survive power loss, foreign keys on, a busy timeout so
 * two processes wait for each other instead of failing.
 * Fails with `DB_TOO_NEW` when the file was written by a newer app version.
 */
export function openDatabase(home: string, options: { migrations?: readonly Migration[] } = {}): Db {
  let db: Db;
  try {
    secureDataFolder(home, DB_FILE);
    db = new Database(path.join(home, DB_FILE));
  } catch (err) {
    throw explainStorageError(err, home) ?? err;
  }
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    withBusyRetry(() => db.pragma('journal_mode = WAL'));
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    checkIntegrity(db, home);
    withBusyRetry(() => runMigrations(db, options.migrations ?? migrations));
    return db;
  } catch (err) {
    db.close();
    throw explainStorageError(err, home) ?? err;
  }
}

/**
 * `PRAGMA quick_check` at every open: a damaged page is reported at start, in Spanish, with what to do, instead of
 * as a raw error in the middle of a send.
 */
function checkIntegrity(db: Db, home: string): void {
  const rows = withBusyRetry(() => db.pragma('quick_check(5)') as { quick_check: string }[]);
  const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
  if (problems.length === 0) return;
  throw new AppError(
    'STORAGE_CORRUPT',
    `La verificación de integridad de la base de datos en ${home} encontró daños (${problems.slice(0, 2).join('; ')}). Cierre la aplicación, guarde una copia del archivo ${DB_FILE} y restaure su última copia de seguridad.`,
    { home, problems },
  );
}

export function closeDatabase(db: Db): void {
  if (!db.open) return;
  try {
    // Best effort: a busy or read-only database must never turn a finished command into a failure.
    db.pragma('optimize');
  } catch {
    // nothing to do: optimize is only a hint for the next open
  } finally {
    db.close();
  }
}

/**
 * Runs the pending migrations in one transaction and records the last version in `user_version`.
 * Numbers must strictly increase; a database newer than the newest migration is refused, untouched.
 */
export function runMigrations(db: Db, list: readonly Migration[]): { from: number; to: number } {
  for (let i = 1; i < list.length; i++) {
    if (list[i]!.version <= list[i - 1]!.version) {
      throw new Error(`Migrations out of order: ${list[i - 1]!.version} then ${list[i]!.version}`);
    }
  }
  const latest = list.length ? list[list.length - 1]!.version : 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new AppError(
      'DB_TOO_NEW',
      `La base de datos fue creada por una versión más nueva de Casilla Desktop (esquema ${current}, esta versión conoce hasta ${latest}). Actualice la aplicación.`,
      { current, latest },
    );
  }
  const pending = list.filter((m) => m.version > current);
  if (pending.length === 0) return { from: current, to: current };
  db.transaction(() => {
    for (const m of pending) m.up(db);
    db.pragma(`user_version = ${latest}`);
  })();
  return { from: current, to: latest };
}
