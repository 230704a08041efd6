import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog, GENESIS_HASH } from '../../src-main/core/audit/audit-log';
import { DB_FILE, closeDatabase, openDatabase } from '../../src-main/core/db/database';
import { openCore } from '../../src-main/core/context';
import { createHandlers, dispatch } from '../../src-main/services';
import { tempCore, tempDir } from '../helpers/temp-home';

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

  it("casilla audit list prints times in the user's time zone with the offset; --json keeps ISO UTC", () => {
    const { log, home } = freshLog();
    log.append({ action: 'settings.update' });
    const env = { ...process.env, TZ: 'America/Lima', LANG: 'es_PE.UTF-8', LC_ALL: '', LC_MESSAGES: '' };
    const json = spawnSync(process.execPath, [cli, '--home', home, '--json', 'audit', 'list'], { encoding: 'utf8', env });
    const at = (JSON.parse(json.stdout) as Array<{ at: string }>)[0]!.at;
    expect(at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    // Lima is UTC−5 all year: the same instant five hours earlier, said with its offset.
    const lima = new Date(Date.parse(at) - 5 * 3600_000).toISOString();
    const expected = `${lima.slice(8, 10)}/${lima.slice(5, 7)}/${lima.slice(0, 4)} ${lima.slice(11, 19)} UTC-05:00`;
    const human = spawnSync(process.execPath, [cli, '--home', home, 'audit', 'list'], { encoding: 'utf8', env });
    expect(human.status).toBe(0);
    expect(human.stdout).toContain(`#1 ${expected} `);
    expect(human.stdout).not.toContain(at);
  });
});

/** What an attacker who can write the database (not the keychain) does: recompute the plain SHA-256 chain. */
function recomputeChain(db: Database.Database): void {
  type R = { id: number; at: string; actor: string; action: string; subject: string | null; details: string };
  let prev = GENESIS_HASH;
  for (const r of db.prepare(`SELECT id, at, actor, action, subject, details FROM audit_log ORDER BY id`).all() as R[]) {
    const hash = crypto
      .createHash('sha256')
      .update(JSON.stringify([r.id, r.at, r.actor, r.action, r.subject, r.details, prev]), 'utf8')
      .digest('hex');
    db.prepare(`UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?`).run(prev, hash, r.id);
    prev = hash;
  }
}

const verifyCli = (home: string) => spawnSync(process.execPath, [cli, '--home', home, 'audit', 'verify'], { encoding: 'utf8' });

describe('the audit seal (HMAC key and head in the OS keychain)', () => {
  it('seals every entry and verifies with the keychain', async () => {
    const env = tempCore();
    try {
      for (const action of ['sign', 'verify', 'settings.update']) env.core.audit.append({ action });
      expect(await env.core.audit.verifySealed()).toMatchObject({ ok: true, entries: 3, sealed: 3, seal: 'checked' });
      const macs = env.core.db.prepare(`SELECT mac FROM audit_log`).all() as { mac: string | null }[];
      expect(macs.every((m) => typeof m.mac === 'string' && m.mac.length === 64)).toBe(true);
    } finally {
      await env.cleanup();
    }
  });

  it('deleting the last row: casilla audit verify exits 1 and says the tail is gone', async () => {
    const env = tempCore();
    try {
      for (const action of ['sign', 'verify', 'sign']) env.core.audit.append({ action });
      await env.core.audit.flush();
      expect(verifyCli(env.home).status).toBe(0);
      const raw = new Database(path.join(env.home, DB_FILE));
      raw.prepare(`DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)`).run();
      raw.close();
      expect(env.core.audit.verify().ok).toBe(true); // the SHA-256 chain alone cannot see it
      const r = verifyCli(env.home);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('ALTERADO en la entrada 3');
      expect(r.stdout).toContain('entradas finales eliminadas');
    } finally {
      await env.cleanup();
    }
  });

  it('editing a row and recomputing the SHA-256 chain: exit 1 naming the edited row', async () => {
    const env = tempCore();
    try {
      for (const action of ['sign', 'verify', 'sign', 'verify']) env.core.audit.append({ action, subject: 'a.pdf' });
      await env.core.audit.flush();
      const raw = new Database(path.join(env.home, DB_FILE));
      raw.prepare(`UPDATE audit_log SET subject = 'otro.pdf' WHERE id = 2`).run();
      recomputeChain(raw);
      raw.close();
      expect(env.core.audit.verify().ok).toBe(true); // the plain chain was recomputed
      const r = verifyCli(env.home);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain('ALTERADO en la entrada 2');
      expect(r.stdout).toContain('sello HMAC no coincide');
      // Removing the seals instead does not help either.
      const raw2 = new Database(path.join(env.home, DB_FILE));
      raw2.prepare(`UPDATE audit_log SET mac = NULL`).run();
      raw2.close();
      const again = spawnSync(process.execPath, [cli, '--home', env.home, '--json', 'audit', 'verify'], { encoding: 'utf8' });
      expect(again.status).toBe(1);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: false, reason: 'mac-missing', brokenAt: 1 });
    } finally {
      await env.cleanup();
    }
  });

  it('seals a log written before the seal existed, but never seals over a broken chain', async () => {
    const t = tempDir();
    try {
      const db = openDatabase(t.dir);
      const old = new AuditLog(db, 'tester'); // no keychain: what earlier versions wrote
      for (const action of ['a', 'b', 'c']) old.append({ action });
      db.prepare(`UPDATE audit_log SET action = 'forged' WHERE id = 3`).run();
      closeDatabase(db);
      const core = openCore({ home: t.dir, shell: 'cli' });
      await core.audit.flush();
      expect(await core.audit.verifySealed()).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
      const sealed = core.db.prepare(`SELECT id FROM audit_log WHERE mac IS NOT NULL ORDER BY id`).all() as { id: number }[];
      expect(sealed.map((r) => r.id)).toEqual([1, 2]);
      await core.close();
    } finally {
      t.cleanup();
    }
  });

  it('logs failed signing attempts and refused queue attempts', async () => {
    const env = tempCore();
    try {
      const table = createHandlers();
      const demo = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'demo-firmante.p12');
      const pdf = path.join(env.home, 'x.pdf');
      (await import('../helpers/pdf-fixtures')).writePlainPdf(pdf);
      const signed = await dispatch(table, env.core, 'sign.start', { files: [pdf], certificate: { p12Path: demo, password: 'mala' } });
      expect(signed.ok).toBe(false);
      const queued = await dispatch(table, env.core, 'compose.queue', {
        messageType: 'NT',
        subject: 'x',
        content: '<p>x</p>',
        groups: [{ recipients: [{ id: '1-1' }], attachments: [] }],
      });
      expect(queued.ok).toBe(false);
      const refusedFile = await dispatch(table, env.core, 'compose.importCsv', { path: '/etc/passwd' }, { fromRenderer: true });
      expect(refusedFile.ok).toBe(false);
      const actions = env.core.audit.list().map((e) => [e.action, e.details.code]);
      expect(actions).toContainEqual(['sign.refused', 'CERT_BAD_PASSWORD']);
      expect(actions.some(([a]) => a === 'compose.queue.refused')).toBe(true);
      expect(actions).toContainEqual(['file.refused', 'FILE_NOT_ALLOWED']);
      expect(await env.core.audit.verifySealed()).toMatchObject({ ok: true, seal: 'checked' });
    } finally {
      await env.cleanup();
    }
  });
});
