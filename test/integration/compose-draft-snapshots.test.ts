/**
 * Snapshots of deleted or replaced drafts are collected (real SQLite file, real attachment store on disk):
 * only what no draft and no outbox message names, never a snapshot written or reused within the grace period,
 * and at start for what earlier runs left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queueNotification } from '../../src-main/core/compose/composer';
import { SNAPSHOT_GRACE_MS } from '../../src-main/core/compose/draft-snapshots';
import { DraftStore } from '../../src-main/core/compose/drafts';
import { parseRecipient, type Recipient } from '../../src-main/core/compose/recipients';
import { AttachmentStore } from '../../src-main/core/outbox/attachment-store';
import { OutboxRepository } from '../../src-main/core/outbox/outbox-repository';
import { outboxRuntime } from '../../src-main/services/outbox-runtime';
import { writePdf } from '../helpers/outbox-env';
import { tempCore } from '../helpers/temp-home';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function setup() {
  const env = tempCore();
  cleanups.push(env.cleanup);
  const store = new AttachmentStore(env.home);
  const drafts = new DraftStore(env.core.db, store);
  const files = fs.mkdtempSync(path.join(env.home, 'files-'));
  const pdf = (name: string) => writePdf(files, name, name);
  return { ...env, store, drafts, pdf };
}

/** Makes a snapshot look written before the grace period (its real modification time on disk). */
function age(file: string): void {
  const t = new Date(Date.now() - 2 * SNAPSHOT_GRACE_MS);
  fs.utimesSync(file, t, t);
}

describe('snapshots of drafts are collected', () => {
  it('deleting a draft removes the snapshots only it named; one another draft names stays until that one goes', async () => {
    const { drafts, store, pdf } = setup();
    const a = await drafts.save({
      fields: { subject: 'A' },
      attachments: [
        { group: 0, path: pdf('solo-a.pdf'), name: 'solo-a.pdf' },
        { group: 0, path: pdf('comun.pdf'), name: 'comun.pdf' },
      ],
    });
    const b = await drafts.save({ fields: { subject: 'B' }, attachments: [{ group: 0, path: pdf('comun.pdf'), name: 'comun.pdf' }] });
    const [only, shared] = drafts.open(a.id).attachments.map((x) => x.path) as [string, string];
    age(only);
    age(shared);

    expect(drafts.remove(a.id)).toBe(true);
    expect(fs.existsSync(only)).toBe(false);
    expect(fs.existsSync(shared)).toBe(true);
    expect(drafts.lastCollection).toMatchObject({ removed: 1, kept: 0 });
    expect(drafts.open(b.id)).toMatchObject({ lost: [], attachments: [{ path: shared }] });
    expect(store.read(path.basename(shared)).length).toBeGreaterThan(0);

    expect(drafts.remove(b.id)).toBe(true);
    expect(fs.existsSync(shared)).toBe(false);
  });

  it('saving a draft again without an attachment removes that snapshot, but not one an outbox message names', async () => {
    const { core, drafts, store, pdf } = setup();
    const d = await drafts.save({
      fields: { subject: 'Resolución' },
      attachments: ['uno.pdf', 'dos.pdf', 'tres.pdf'].map((n) => ({ group: 0, path: pdf(n), name: n })),
    });
    const [keep, dropped, queued] = drafts.open(d.id).attachments;
    // The third file also went into an outbox message (kept as a draft message, not sent).
    await queueNotification(
      { repo: new OutboxRepository(core.db, core.audit), store },
      { profileId: 'cli', backendUrl: 'http://127.0.0.1:9', clientId: 'x' },
      {
        messageType: 'CP',
        subject: 'Resolución',
        content: '<p>Texto</p>',
        groups: [{ recipients: [parseRecipient('12.345.678-5') as Recipient], attachments: [{ path: queued!.path, name: 'tres.pdf' }] }],
      },
      {},
      { draft: true },
    );
    for (const x of [keep, dropped, queued]) age(x!.path);

    await drafts.save({ id: d.id, fields: { subject: 'Resolución' }, attachments: [keep!] });
    expect(fs.existsSync(keep!.path)).toBe(true);
    expect(fs.existsSync(dropped!.path)).toBe(false);
    expect(fs.existsSync(queued!.path)).toBe(true);
    expect(drafts.open(d.id)).toMatchObject({ lost: [], attachments: [{ sha256: keep!.sha256 }] });
  });

  it('keeps a snapshot written or reused within the grace period, and collects it at the next start', async () => {
    const { core, drafts, store, pdf } = setup();
    const fresh = await drafts.save({ fields: { subject: 'Nuevo' }, attachments: [{ group: 0, path: pdf('nuevo.pdf'), name: 'n.pdf' }] });
    const freshPath = drafts.open(fresh.id).attachments[0]!.path;
    expect(drafts.remove(fresh.id)).toBe(true);
    expect(fs.existsSync(freshPath)).toBe(true); // just written: another writer may be about to name it
    expect(drafts.lastCollection).toMatchObject({ removed: 0, kept: 1 });

    // An old snapshot that another writer copies in again (the composer, before its row exists) is refreshed.
    const old = await drafts.save({ fields: { subject: 'Viejo' }, attachments: [{ group: 0, path: pdf('viejo.pdf'), name: 'v.pdf' }] });
    const oldPath = drafts.open(old.id).attachments[0]!.path;
    age(oldPath);
    await store.put(path.join(path.dirname(pdf('viejo.pdf')), 'viejo.pdf'), 1 << 20);
    expect(drafts.remove(old.id)).toBe(true);
    expect(fs.existsSync(oldPath)).toBe(true);

    // A kept draft's snapshot and one no row names, both old; and one no row names, fresh.
    const kept = await drafts.save({ fields: { subject: 'Sigue' }, attachments: [{ group: 0, path: pdf('sigue.pdf'), name: 's.pdf' }] });
    const keptPath = drafts.open(kept.id).attachments[0]!.path;
    const stray = await store.put(pdf('suelto.pdf'), 1 << 20);
    for (const p of [freshPath, oldPath, keptPath]) age(p);

    // Start: the outbox runtime opens the store and collects what nothing names.
    outboxRuntime(core);
    expect(fs.existsSync(freshPath)).toBe(false);
    expect(fs.existsSync(oldPath)).toBe(false);
    expect(fs.existsSync(keptPath)).toBe(true);
    expect(fs.existsSync(stray.path)).toBe(true);
    expect(drafts.open(kept.id).lost).toEqual([]);
  });
});
