import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useCliSandbox } from '../helpers/cli-sandbox';

/** `casilla send` as a user runs it: recipients per backend, bodies that keep their paragraphs. */
describe('casilla send: recipients per backend and content fidelity', () => {
  const t = useCliSandbox('casilla-compose-cli');
  const { home, sb, run } = t;
  /** What the platform stored, read from the sandbox's own SQLite file. */
  const storedContent = (subject: string): string => {
    const db = new Database(
      path.join(
        sb.dir,
        fs.readdirSync(sb.dir).find((f) => f.endsWith('.sqlite') || f.endsWith('.db'))!,
      ),
      {
        readonly: true,
      },
    );
    try {
      const row = db.prepare('SELECT data FROM messages WHERE subject = ?').get(subject) as { data: string } | undefined;
      if (!row) throw new Error(`no message «${subject}» on the sandbox`);
      return (JSON.parse(row.data) as { content: string }).content;
    } finally {
      db.close();
    }
  };

  it('refuses a DNI for CasillaÚnica with exit 2, saying a DNI is not a RUN, and queues nothing', async () => {
    for (const id of ['40123456-4', '40123456', '40123456-5']) {
      const r = await run('send', '--to', id, '--type', 'CP', '--subject', 'No debe salir', '--body', 'x', ...t.backend);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(id);
      expect(r.stderr).toMatch(/un DNI no es un RUN/);
      expect(r.stderr).toMatch(/CasillaÚnica \(Chile\) solo acepta RUN\/RUT/);
    }
    const list = await run('--json', 'outbox', 'list');
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('reads "12 345 678 5" as one RUN and a --body-file keeps its paragraphs on the platform', async () => {
    const text = path.join(home.dir, 'cuerpo.txt');
    fs.writeFileSync(text, 'Primer párrafo de la resolución.\n\nSegundo párrafo: plazo 1 < 2 días & más.\n');
    const html = path.join(home.dir, 'cuerpo.html');
    fs.writeFileSync(html, 'Uno<div>Dos</div>');
    const a = await run(
      '--json',
      'send',
      '--to',
      '12 345 678 5',
      '--type',
      'CP',
      '--subject',
      'Dos párrafos',
      '--body-file',
      text,
      ...t.backend,
    );
    expect(a.status).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ recipients: 1 });
    const b = await run('send', '--to', '33333333-3', '--type', 'CP', '--subject', 'Dos bloques', '--body-file', html, ...t.backend);
    expect(b.status).toBe(0);
    const sync = await run('--json', 'outbox', 'sync', '--once', ...t.backend);
    expect(sync.status).toBe(0);
    expect(storedContent('Dos párrafos')).toBe(
      '<p>Primer párrafo de la resolución.</p><p>Segundo párrafo: plazo 1 &lt; 2 días &amp; más.</p>',
    );
    expect(storedContent('Dos bloques')).toBe('<p>Uno</p><p>Dos</p>');
  });
});

describe('casilla outbox show: served dates', () => {
  const t = useCliSandbox('casilla-served-cli');
  const { home, run } = t;

  it('gives each recipient its deemedServedAt (Chile: third business day after delivery), null while not delivered', async () => {
    const backend = t.backend;
    // 33333333-3 is delivered to its casilla at once; a RUN ending in 9 is an email that fails.
    const sent = await run(
      '--json',
      'send',
      '--to',
      '33333333-3',
      '--to',
      '12345679-3',
      '--type',
      'CP',
      '--subject',
      'Plazo',
      '--body',
      'x',
      ...backend,
    );
    expect(sent.status, sent.stderr).toBe(0);
    const id = (JSON.parse(sent.stdout) as { messageIds: string[] }).messageIds[0]!;
    type Shown = { recipients: { rolUnico: number; status: string | null; deliveredAt: string | null; deemedServedAt: string | null }[] };
    let shown: Shown | null = null;
    for (let i = 0; i < 20; i++) {
      await run('outbox', 'sync', '--once', ...backend);
      shown = JSON.parse((await run('--json', 'outbox', 'show', id)).stdout) as Shown;
      if (shown.recipients.every((r) => r.status !== null && r.status !== 'pending')) break;
    }
    const delivered = shown!.recipients.find((r) => r.rolUnico === 33333333)!;
    expect(delivered.status).toBe('delivered');
    const { deemedServed } = await import('../../src-main/core/calendar/served');
    expect(delivered.deemedServedAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(delivered.deemedServedAt).toBe(deemedServed('CL', delivered.deliveredAt, 'delivered').deemedServedAt);
    expect(delivered.deemedServedAt! > delivered.deliveredAt!.slice(0, 10)).toBe(true);
    const failed = shown!.recipients.find((r) => r.rolUnico === 12345679)!;
    expect(failed.status).toMatch(/^error/);
    expect(failed.deemedServedAt).toBeNull();
    // The CSV export carries the same date.
    const out = path.join(home.dir, 'bandeja.csv');
    expect((await run('outbox', 'export', out)).status).toBe(0);
    const csv = fs.readFileSync(out, 'utf8');
    expect(csv.split('\r\n')[0]).toContain('notificado_el');
    expect(csv).toContain(`;${delivered.deemedServedAt}\r\n`);
  });
});
