import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, closeDatabase, openDatabase, runMigrations } from '../../src-main/core/db/database';
import { migrations, type Migration } from '../../src-main/core/db/migrations';
import { AppError } from '../../src-main/api/result';
import { tempDir } from '../helpers/temp-home';

const latest = migrations[migrations.length - 1]!.version;
const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function home() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return t.dir;
}

describe('the app database', () => {
  it('opens a real file with WAL, synchronous=FULL, foreign keys and every migration applied', () => {
    const dir = home();
    const db = openDatabase(dir);
    expect(fs.existsSync(path.join(dir, DB_FILE))).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(latest);
    const strict = db
      .prepare(`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name IN ('settings','audit_log','backend_profiles')`)
      .all() as Array<{ strict: number }>;
    expect(strict).toHaveLength(3);
    expect(strict.every((t) => t.strict === 1)).toBe(true);
    closeDatabase(db);
    // Reopening runs nothing again and keeps the data.
    const again = openDatabase(dir);
    expect(again.pragma('user_version', { simple: true })).toBe(latest);
    closeDatabase(again);
  });

  it('refuses a database written by a newer version and leaves it untouched', () => {
    const dir = home();
    const raw = new Database(path.join(dir, DB_FILE));
    raw.exec('CREATE TABLE future (x INTEGER) STRICT');
    raw.pragma(`user_version = ${latest + 10}`);
    raw.close();
    const before = fs.readFileSync(path.join(dir, DB_FILE));
    let caught: unknown;
    try {
      openDatabase(dir);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).code).toBe('DB_TOO_NEW');
    expect((caught as AppError).message).toMatch(/versión más nueva/);
    const check = new Database(path.join(dir, DB_FILE));
    expect(check.pragma('user_version', { simple: true })).toBe(latest + 10);
    expect(check.prepare(`SELECT count(*) c FROM sqlite_master WHERE name = 'settings'`).get()).toEqual({ c: 0 });
    check.close();
    expect(before.length).toBeGreaterThan(0);
  });

  it('runs pending migrations in one transaction: a failing one leaves nothing behind', () => {
    const db = new Database(':memory:');
    const list: Migration[] = [
      { version: 1, name: 'a', up: (d) => d.exec('CREATE TABLE a (x INTEGER) STRICT') },
      {
        version: 2,
        name: 'b',
        up: () => {
          throw new Error('boom');
        },
      },
    ];
    expect(() => runMigrations(db, list)).toThrow('boom');
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare(`SELECT count(*) c FROM sqlite_master WHERE name = 'a'`).get()).toEqual({ c: 0 });
  });

  it('rejects migrations whose numbers do not go up', () => {
    const db = new Database(':memory:');
    const noop = () => undefined;
    expect(() =>
      runMigrations(db, [
        { version: 20, name: 'x', up: noop },
        { version: 10, name: 'y', up: noop },
      ]),
    ).toThrow(/out of order/);
  });

  it('applies only the migrations newer than the stored version', () => {
    const db = new Database(':memory:');
    const seen: number[] = [];
    const list: Migration[] = [1, 2, 3].map((v) => ({ version: v, name: `m${v}`, up: () => void seen.push(v) }));
    runMigrations(db, list.slice(0, 2));
    expect(runMigrations(db, list)).toEqual({ from: 2, to: 3 });
    expect(seen).toEqual([1, 2, 3]);
  });
});
