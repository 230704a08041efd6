import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { runCli, useCliSandbox } from '../helpers/cli-sandbox';

describe('casilla send and casilla outbox', () => {
  // CASILLA_TEST_IGNORE_KEY=1: the same test against a sandbox that ignores Idempotency-Key, like the platform.
  const t = useCliSandbox('casilla-cli-outbox', { ignoreIdempotencyKey: process.env.CASILLA_TEST_IGNORE_KEY === '1' });
  const { home, run } = t;

  it('queues with recipients from --to and a CSV, sends with sync --once, lists, shows and exports', async () => {
    const csv = path.join(home.dir, 'dest.csv');
    fs.writeFileSync(csv, 'RUN;Nombre\n33333351-1;Luis\n');
    const sent = await run(
      '--json',
      'send',
      '--to',
      '33.333.333-3',
      '--to-file',
      csv,
      '--type',
      'CP',
      '--subject',
      'Aviso de prueba',
      '--body',
      '<p>Hola</p>',
      ...t.backend,
    );
    expect(sent.status).toBe(0);
    const queued = JSON.parse(sent.stdout) as { messageIds: string[]; recipients: number; backend: string };
    expect(queued.recipients).toBe(2);
    expect(queued.backend).toBe(t.sandbox.baseUrl);
    const id = queued.messageIds[0]!;

    const sync = await run('--json', 'outbox', 'sync', '--once', ...t.backend);
    expect(sync.status).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ sent: 1, failed: 0 });

    const list = JSON.parse((await run('--json', 'outbox', 'list')).stdout) as Array<{ id: string; state: string; messageDataId: string }>;
    expect(list).toEqual([expect.objectContaining({ id, state: 'accepted' })]);
    const show = await run('outbox', 'show', id);
    expect(show.status).toBe(0);
    expect(show.stdout).toContain('Luis (RUN 33.333.351-1)');
    expect(show.stdout).toContain(list[0]!.messageDataId);
    // The timeline worded from its codes in the CLI's language.
    expect(show.stdout).toMatch(/Línea de tiempo:[\s\S]*intento 1[\s\S]*aceptado como [0-9a-f]{24}/);
    // An entry written before codes existed (a sentence only) still shows as written, in either language.
    const db = new Database(path.join(home.dir, 'casilla.sqlite'));
    db.prepare(`INSERT INTO outbox_events (message_id, at, state, detail) VALUES (?, ?, 'queued', ?)`).run(
      id,
      '2026-01-01T00:00:00.000Z',
      'resultado desconocido (tiempo de espera agotado); se buscará en la casilla',
    );
    db.close();
    const english = await runCli(home.dir, ['outbox', 'show', id], { LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' });
    expect(english.status).toBe(0);
    expect(english.stdout).toMatch(/Timeline:[\s\S]*attempt 1[\s\S]*accepted as [0-9a-f]{24}/);
    expect(english.stdout).toMatch(/ accepted +\d+ rcpt\./);
    expect(english.stdout).not.toMatch(/Línea de tiempo|intento 1|aceptado como|Destinatarios/);
    expect(english.stdout).toContain('resultado desconocido (tiempo de espera agotado); se buscará en la casilla');
    // A message's error: the core's Spanish sentence in Spanish, the text of its code in English.
    const spanishError = 'Resultado desconocido (tiempo de espera agotado): se buscará en la casilla antes de cualquier reenvío.';
    const rw = new Database(path.join(home.dir, 'casilla.sqlite'));
    rw.prepare(`UPDATE outbox_messages SET error_code = 'UNKNOWN_OUTCOME', error_message = ? WHERE id = ?`).run(spanishError, id);
    rw.close();
    expect((await run('outbox', 'list')).stdout).toContain(`[UNKNOWN_OUTCOME] ${spanishError}`);
    const listEn = await runCli(home.dir, ['outbox', 'list'], { LANG: 'en_US.UTF-8', LC_ALL: '', LC_MESSAGES: '' });
    expect(listEn.stdout).toContain('[UNKNOWN_OUTCOME] It is not known whether the platform received the message');
    expect(listEn.stdout).not.toContain('Resultado desconocido');

    const out = path.join(home.dir, 'bandeja.csv');
    expect((await run('outbox', 'export', out)).status).toBe(0);
    const text = fs.readFileSync(out, 'utf8');
    expect(text.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(text).toContain('Aviso de prueba');
  });

  it('refuses bad input with exit 2 and names the line; a queued message can be cancelled but not twice', async () => {
    const bad = await run('send', '--to', '12.345.678-9', '--type', 'CP', '--subject', 'x', '--body', 'y', ...t.backend);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('12.345.678-9');
    expect((await run('send', '--to', '33333333-3', '--type', 'XX', '--subject', 'x', '--body', 'y')).status).toBe(2);
    const long = await run('send', '--to', '33333333-3', '--type', 'CP', '--subject', 'x'.repeat(151), '--body', 'y', ...t.backend);
    expect(long.status).toBe(2);
    expect(long.stderr).toContain('ERR026');

    const q = JSON.parse(
      (await run('--json', 'send', '--to', '33333333-3', '--type', 'CI', '--subject', 'Para cancelar', '--body', 'z', ...t.backend)).stdout,
    ) as { messageIds: string[] };
    const id = q.messageIds[0]!;
    expect((await run('outbox', 'cancel', id)).status).toBe(0);
    const again = await run('outbox', 'cancel', id);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('OUTBOX_NOT_CANCELLABLE');
    expect((await run('outbox', 'retry', id)).status).toBe(0);
    expect((await run('outbox', 'show', 'no-such-id')).status).toBe(2);
  });
});
