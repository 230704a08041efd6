import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { runCheckDigit } from '../../src-main/core/casilla/identifiers';
import { DB_FILE, openDatabase } from '../../src-main/core/db/database';
import { sweepLeftovers } from '../../src-main/core/db/leftovers';
import { explainStorageError } from '../../src-main/core/db/storage-errors';
import { startSandbox, type RunningSandbox } from '../../src-main/sandbox';
import { tempDir } from '../helpers/temp-home';

/**
 * Storage that explains itself: real SQLite files and real processes. Every failure reaches the user as one
 * Spanish sentence with what to do (no stack trace, no English SQLite text), a busy database is waited for, and
 * parallel sends into one data folder each queue everything or nothing.
 */
const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
const PARALLEL = 12;
/** Rows per parallel send: 3,000 in CI; the 120,000 with CASILLA_PARALLEL_ROWS=120000. */
const ROWS = Number(process.env.CASILLA_PARALLEL_ROWS ?? 3000);

type Run = { status: number | null; stdout: string; stderr: string };
function run(home: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, '--home', home, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+|SqliteError|SQLITE_[A-Z]+:/);

describe('storage errors in Spanish, with what to do', () => {
  it('a file that is not a database: STORAGE_CORRUPT at start, from the CLI too', async () => {
    const { dir, cleanup } = tempDir('casilla-corrupt-');
    try {
      fs.writeFileSync(path.join(dir, DB_FILE), Buffer.alloc(8192, 0x41));
      expect(() => openDatabase(dir)).toThrow(expect.objectContaining({ code: 'STORAGE_CORRUPT' }));
      const r = await run(dir, ['outbox', 'list']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/dañada.*copia de seguridad/s);
      noStack(r.stderr);
    } finally {
      cleanup();
    }
  });

  it('a damaged page is found by the integrity check at open', () => {
    const { dir, cleanup } = tempDir('casilla-corrupt-page-');
    try {
      const db = openDatabase(dir);
      db.exec(`CREATE TABLE filler (x TEXT); CREATE INDEX filler_x ON filler (x);`);
      const ins = db.prepare(`INSERT INTO filler VALUES (?)`);
      db.transaction(() => {
        for (let i = 0; i < 3000; i++) ins.run(`fila ${i} `.repeat(20));
      })();
      db.pragma('wal_checkpoint(TRUNCATE)');
      db.close();
      const file = path.join(dir, DB_FILE);
      const bytes = fs.readFileSync(file);
      const pageSize = bytes.readUInt16BE(16);
      // Scribble over the middle of the file (an index page), keeping the header intact.
      const at = Math.floor(bytes.length / pageSize / 2) * pageSize;
      bytes.fill(0x5a, at + 8, at + pageSize);
      fs.writeFileSync(file, bytes);
      let caught: unknown;
      try {
        openDatabase(dir).close();
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(AppError);
      expect((caught as AppError).code).toBe('STORAGE_CORRUPT');
      expect((caught as AppError).message).toMatch(/integridad|dañada/);
    } finally {
      cleanup();
    }
  });

  it('a database of another shape: STORAGE_SCHEMA, nothing changed', async () => {
    const { dir, cleanup } = tempDir('casilla-schema-');
    try {
      const other = new Database(path.join(dir, DB_FILE));
      other.exec(`CREATE TABLE settings (nombre TEXT)`);
      other.close();
      const before = fs.readFileSync(path.join(dir, DB_FILE));
      const r = await run(dir, ['outbox', 'list']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/no tiene la estructura que esta versión espera/);
      noStack(r.stderr);
      const after = new Database(path.join(dir, DB_FILE), { readonly: true });
      expect(after.pragma('user_version', { simple: true })).toBe(0);
      after.close();
      expect(before.length).toBeGreaterThan(0);
    } finally {
      cleanup();
    }
  });

  it('real SQLite errors for a full disk and a read-only file map to their Spanish message', () => {
    const { dir, cleanup } = tempDir('casilla-full-');
    try {
      const db = openDatabase(dir);
      db.exec(`CREATE TABLE big (x BLOB)`);
      db.pragma(`max_page_count = ${(db.pragma('page_count', { simple: true }) as number) + 2}`);
      let full: unknown;
      try {
        db.prepare(`INSERT INTO big VALUES (?)`).run(Buffer.alloc(1 << 20));
      } catch (err) {
        full = err;
      }
      expect(explainStorageError(full, dir)?.code).toBe('STORAGE_FULL');
      expect(explainStorageError(full, dir)?.message).toMatch(/disco está lleno.*Libere espacio/);
      db.close();
      const ro = new Database(path.join(dir, DB_FILE), { readonly: true });
      let readonly: unknown;
      try {
        ro.exec(`CREATE TABLE nope (x)`);
      } catch (err) {
        readonly = err;
      }
      ro.close();
      expect(explainStorageError(readonly, dir)?.code).toBe('STORAGE_READONLY');
      expect(explainStorageError(readonly, dir)?.message).toMatch(/solo lectura.*--home/);
      expect(explainStorageError(new Error('otra cosa'), dir)).toBeNull();
    } finally {
      cleanup();
    }
  });
});

describe('leftovers of killed processes', () => {
  it('removes temp and .part files of dead writers at start, never a live one', async () => {
    const { dir, cleanup } = tempDir('casilla-leftovers-');
    try {
      fs.mkdirSync(path.join(dir, 'attachments'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'uploads', 'u1'), { recursive: true });
      const dead = 2 ** 22 + 12345; // above the default pid_max: no such process
      const files = {
        tmp: path.join(dir, 'attachments', `.tmp-${dead}-0b7a1c9e-2f4d-4e1a-9c3b-5d6e7f8a9b0c`),
        part: path.join(dir, 'uploads', 'u1', `.firmado.pdf.${dead}.a1b2c3d4.part`),
        report: path.join(dir, `.informe.pdf.${dead}.tmp`),
        live: path.join(dir, 'attachments', `.tmp-${process.pid}-0b7a1c9e-2f4d-4e1a-9c3b-5d6e7f8a9b0d`),
        other: path.join(dir, 'uploads', 'u1', 'firmado.pdf'),
      };
      for (const f of Object.values(files)) fs.writeFileSync(f, Buffer.alloc(1024));
      const r = await run(dir, ['outbox', 'list']);
      expect(r.status).toBe(0);
      expect(fs.existsSync(files.tmp)).toBe(false);
      expect(fs.existsSync(files.part)).toBe(false);
      expect(fs.existsSync(files.report)).toBe(false);
      // The test process is alive: its temp file stays. A normal file is never touched.
      expect(fs.existsSync(files.live)).toBe(true);
      expect(fs.existsSync(files.other)).toBe(true);
      expect(sweepLeftovers(dir)).toEqual({ removed: 0, bytes: 0 });
    } finally {
      cleanup();
    }
  });
});

describe('a busy database and parallel sends into one folder', () => {
  const home = tempDir('casilla-parallel-');
  const sb = tempDir('casilla-parallel-sb-');
  let sandbox: RunningSandbox;
  let backend: string[];
  let env: Record<string, string>;
  beforeAll(async () => {
    sandbox = await startSandbox({ dataDir: sb.dir, emailDelayMs: 10, rate: 100 });
    backend = ['--backend', sandbox.baseUrl, '--client-id', sandbox.institution.clientId, '--client-secret-env', 'SB_SECRET'];
    env = { SB_SECRET: sandbox.institution.clientSecret };
  });
  afterAll(async () => {
    await sandbox.close();
    home.cleanup();
    sb.cleanup();
  });

  it('a send waits while another process holds the database, then queues and exits 0', async () => {
    const first = await run(home.dir, ['outbox', 'list']);
    expect(first.status).toBe(0);
    const holder = new Database(path.join(home.dir, DB_FILE));
    holder.pragma('journal_mode = WAL');
    holder.prepare('BEGIN IMMEDIATE').run();
    const pending = run(
      home.dir,
      ['send', '--to', '33333333-3', '--type', 'CP', '--subject', 'Esperó su turno', '--body', 'x', '--json', ...backend],
      env,
    );
    // Hold the write lock for longer than the old 5-second timeout.
    await new Promise((r) => setTimeout(r, 6000));
    holder.prepare('COMMIT').run();
    holder.close();
    const r = await pending;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { messageIds: string[] }).messageIds).toHaveLength(1);
  }, 60_000);

  it(`${PARALLEL} parallel sends of ${ROWS} recipients each: every one queues everything and exits 0`, async () => {
    const csvs: string[] = [];
    for (let p = 0; p < PARALLEL; p++) {
      const lines = ['RUN'];
      for (let i = 0; i < ROWS; i++) {
        const body = 10_000_000 + p * 200_000 + i;
        lines.push(`${body}-${runCheckDigit(body)}`);
      }
      const file = path.join(home.dir, `envio-${p}.csv`);
      fs.writeFileSync(file, lines.join('\n') + '\n');
      csvs.push(file);
    }
    const results = await Promise.all(
      csvs.map((file, p) =>
        run(
          home.dir,
          ['send', '--to-file', file, '--type', 'CP', '--subject', `Envío paralelo ${p}`, '--body', 'x', '--json', ...backend],
          env,
        ),
      ),
    );
    const perMessage = 250;
    const expected = Math.ceil(ROWS / perMessage);
    const db = new Database(path.join(home.dir, DB_FILE), { readonly: true });
    try {
      results.forEach((r, p) => {
        // Either everything and exit 0, or nothing and a reason: here, with a patient database, everything.
        expect(r.stderr, `envío ${p}`).toBe('');
        expect(r.status, `envío ${p}`).toBe(0);
        const out = JSON.parse(r.stdout) as { envioId: string; messageIds: string[]; recipients: number };
        expect(out.recipients).toBe(ROWS);
        expect(out.messageIds).toHaveLength(expected);
        const stored = db
          .prepare(
            `SELECT count(DISTINCT m.id) AS messages, count(*) AS recipients FROM outbox_messages m JOIN outbox_recipients r ON r.message_id = m.id WHERE m.envio_id = ?`,
          )
          .get(out.envioId) as { messages: number; recipients: number };
        expect(stored).toEqual({ messages: expected, recipients: ROWS });
      });
    } finally {
      db.close();
    }
  }, 900_000);
});
