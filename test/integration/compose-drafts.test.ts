import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DraftStore, sanitizeFields } from '../../src-main/core/compose/drafts';
import { closeDatabase, openDatabase, type Db } from '../../src-main/core/db/database';
import { AttachmentStore } from '../../src-main/core/outbox/attachment-store';
import { writePdf } from '../helpers/outbox-env';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function setup() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-drafts-'));
  const db: Db = openDatabase(home);
  let t = Date.parse('2026-05-04T10:00:00Z');
  const store = new AttachmentStore(home);
  const drafts = new DraftStore(db, store, () => new Date((t += 1000)));
  cleanups.push(() => {
    closeDatabase(db);
    fs.rmSync(home, { recursive: true, force: true });
  });
  const files = fs.mkdtempSync(path.join(home, 'files-'));
  return { home, db, store, drafts, files };
}
const sha = (p: string) => crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');

describe('saved drafts (real SQLite, real attachment store)', () => {
  it('keeps several drafts, listed newest first, each with its attachments as snapshots', async () => {
    const { drafts, files, store } = setup();
    const pdf = writePdf(files, 'resolución.pdf', 'primera versión');
    const original = sha(pdf);
    const a = await drafts.save({
      fields: { type: 'CP', subject: 'Citación', body: '<p>Uno</p>', groups: ['33.333.333-3', '12345678-5'] },
      attachments: [{ group: 1, path: pdf, name: 'resolucion.pdf' }],
    });
    const b = await drafts.save({ name: 'Multa borrador', fields: { type: 'CI', subject: 'Multa', body: '' }, attachments: [] });
    expect(drafts.list().map((d) => [d.name, d.attachments])).toEqual([
      ['Multa borrador', 0],
      ['Citación', 1],
    ]);
    // The original changes and then disappears: the draft still has the file as it was when saved.
    fs.writeFileSync(pdf, 'otro contenido');
    fs.rmSync(pdf);
    const opened = drafts.open(a.id);
    expect(opened.lost).toEqual([]);
    expect(opened.attachments).toHaveLength(1);
    expect(opened.attachments[0]).toMatchObject({ group: 1, name: 'resolucion.pdf', sha256: original });
    expect(sha(opened.attachments[0]!.path)).toBe(original);
    expect(opened.attachments[0]!.path.startsWith(store.root)).toBe(true);
    expect(opened.fields.groups).toEqual(['33.333.333-3', '12345678-5']);

    // Saved again from its snapshot (reopened and edited): same id, updated, listed first.
    const again = await drafts.save({
      id: a.id,
      fields: { ...opened.fields, subject: 'Citación (editada)' },
      attachments: opened.attachments,
    });
    expect(again.id).toBe(a.id);
    expect(drafts.list().map((d) => d.name)).toEqual(['Citación (editada)', 'Multa borrador']);
    expect(drafts.open(a.id).attachments.map((x) => x.sha256)).toEqual([original]);

    expect(drafts.remove(b.id)).toBe(true);
    expect(drafts.remove(b.id)).toBe(false);
    expect(drafts.list().map((d) => d.id)).toEqual([a.id]);
    expect(() => drafts.open(b.id)).toThrow(/ya no existe/);
  });

  it('a file that cannot be snapshotted fails the save and leaves the previous version intact', async () => {
    const { drafts, files } = setup();
    const first = await drafts.save({ fields: { subject: 'A' }, attachments: [] });
    await expect(
      drafts.save({
        id: first.id,
        fields: { subject: 'B' },
        attachments: [{ group: 0, path: path.join(files, 'no-existe.pdf'), name: 'x.pdf' }],
      }),
    ).rejects.toMatchObject({ code: 'ATTACHMENT_UNREADABLE', message: expect.stringContaining('no-existe.pdf') });
    expect(drafts.list().map((d) => d.subject)).toEqual(['A']);
  });

  it('an altered snapshot is reported by name, not opened as if intact', async () => {
    const { drafts, files, store } = setup();
    const pdf = writePdf(files, 'acta.pdf');
    const d = await drafts.save({ fields: { subject: 'Acta' }, attachments: [{ group: 0, path: pdf, name: 'acta.pdf' }] });
    fs.chmodSync(store.pathOf(sha(pdf)), 0o600);
    fs.writeFileSync(store.pathOf(sha(pdf)), 'alterado');
    const opened = drafts.open(d.id);
    expect(opened.attachments).toEqual([]);
    expect(opened.lost).toEqual(['acta.pdf']);
  });

  it('sanitizes what it reads back: the body through the sanitizer, unknown fields and types dropped', async () => {
    const { drafts, db } = setup();
    const d = await drafts.save({ fields: { subject: 'x' }, attachments: [] });
    // A draft tampered with on disk (or written by an older version).
    db.prepare(`UPDATE compose_drafts SET fields_json = ? WHERE id = ?`).run(
      JSON.stringify({
        type: 'XX',
        stage: '9',
        subject: 42,
        body: '<p onclick="alert(1)">Hola<script>alert(2)</script></p><img src=x onerror=alert(3)>',
        groups: ['33.333.333-3', { evil: true }],
        extra: 'ignored',
      }),
      d.id,
    );
    const f = drafts.open(d.id).fields;
    expect(f).toEqual({
      type: 'CP',
      procedure: '',
      stage: '1',
      subject: '',
      body: '<p>Hola</p>',
      signatureUid: '',
      groups: ['33.333.333-3'],
    });
    expect(sanitizeFields('not json').body).toBe('');
    db.prepare(`UPDATE compose_drafts SET attachments_json = ? WHERE id = ?`).run(
      '[{"group":0,"name":"a.pdf","sha256":"../../etc/passwd","size":1}]',
      d.id,
    );
    expect(drafts.open(d.id).attachments).toEqual([]);
  });
});
