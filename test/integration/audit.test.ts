import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, GENESIS_HASH } from '../../src-main/core/audit/audit-log';
import { DB_FILE, closeDatabase, openDatabase } from '../../src-main/core/db/database';
import { tempDir } from '../helpers/temp-home';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function freshLog() {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const db = openDatabase(t.dir);
  cleanups.unshift(() => closeDatabase(db));
  return { db, log: new AuditLog(db, 'tester'), home: t.dir };
}

const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');

describe('the hash-chained audit log', () => {
  it('links every entry to the previous one and verifies intact', () => {
    const { log } = freshLog();
    const a = log.append({ action: 'sign', subject: 'a.pdf', details: { role: 'visa' } });
    const b = log.append({ action: 'verify', subject: 'a.pdf' });
    expect(a.prevHash).toBe(GENESIS_HASH);
    expect(b.prevHash).toBe(a.hash);
    expect(a.hash).not.toBe(b.hash);
    expect(log.verify()).toEqual({ ok: true, entries: 2, head: b.hash });
    expect(log.list().map((e) => e.action)).toEqual(['verify', 'sign']);
  });

  it('never stores secrets given in details', () => {
    const { log } = freshLog();
    const e = log.append({ action: 'settings.update', details: { password: 'x', clientSecret: 'y', name: 'ok' } });
    expect(e.details).toEqual({ name: 'ok' });
  });

  it('names the edited entry', () => {
    const { db, log } = freshLog();
    for (const action of ['a', 'b', 'c', 'd']) log.append({ action });
    db.prepare(`UPDATE audit_log SET action = 'forged' WHERE id = 3`).run();
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
  });

  it('detects an edit that also recomputes nothing but the link (row re-hashed by hand)', () => {
    const { db, log } = freshLog();
    for (const action of ['a', 'b', 'c']) log.append({ action });
    db.prepare(`UPDATE audit_log SET prev_hash = ? WHERE id = 2`).run(GENESIS_HASH);
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it('names the entry after a deleted one', () => {
    const { db, log } = freshLog();
    for (const action of ['a', 'b', 'c']) log.append({ action });
    db.prepare(`DELETE FROM audit_log WHERE id = 2`).run();
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: 'gap' });
    // The chain keeps growing past the gap without reusing the deleted id.
    expect(log.append({ action: 'd' }).id).toBe(4);
  });

  it('casilla audit verify exits 1 naming the edited row, and 0 when intact', () => {
    const { db, log, home } = freshLog();
    for (const action of ['sign', 'verify', 'settings.update']) log.append({ action });
    const ok = spawnSync(process.execPath, [cli, '--home', home, 'audit', 'verify'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('Registro íntegro: 3 entradas');
    // Another process edits the table behind the app's back.
    const raw = new Database(path.join(home, DB_FILE));
    raw.prepare(`UPDATE audit_log SET subject = 'otro.pdf' WHERE id = 2`).run();
    raw.close();
    const bad = spawnSync(process.execPath, [cli, '--home', home, 'audit', 'verify'], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('ALTERADO en la entrada 2');
    const json = spawnSync(process.execPath, [cli, '--home', home, '--json', 'audit', 'verify'], { encoding: 'utf8' });
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, brokenAt: 2, reason: 'hash-mismatch' });
    const list = spawnSync(process.execPath, [cli, '--home', home, '--json', 'audit', 'list'], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ id: number }>).map((e) => e.id)).toEqual([3, 2, 1]);
    void db;
  });
});
