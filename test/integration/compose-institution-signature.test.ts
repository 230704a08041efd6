/**
 * The institutional signature (the text footer the platform adds, not a digital signature) belongs to one
 * server: after the active server changes, a uid read from the previous one is refused at queue, saying what it
 * is, and nothing is queued. Real core (SQLite file, keychain under with-keyring.sh), the embedded sandbox and a
 * second real sandbox over HTTP as another server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '../../src-main/core/context';
import { createHandlers, dispatch } from '../../src-main/services';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox';
import { tempCore } from '../helpers/temp-home';

let env: ReturnType<typeof tempCore>;
let other: TestSandbox;
const table = createHandlers();

beforeAll(async () => {
  env = tempCore();
  other = await startTestSandbox();
});
afterAll(async () => {
  await env?.cleanup();
  await other?.cleanup();
});

async function call<T>(core: CoreContext, method: string, input: unknown): Promise<T> {
  const r = await dispatch(table, core, method as never, input as never);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.value as T;
}

const queued = (core: CoreContext) => (core.db.prepare(`SELECT count(*) AS c FROM outbox_messages`).get() as { c: number }).c;
const message = (signatureUid: string) => ({
  messageType: 'CP',
  subject: 'Con firma institucional',
  content: '<p>Texto</p>',
  signatureUid,
  groups: [{ recipients: [{ id: '33.333.333-3' }], attachments: [] }],
  draft: true,
});

describe('institutional signature after a server change', () => {
  it('is refused at queue when the active server no longer offers it, and the new server’s own is accepted', async () => {
    const { core } = env;
    type Institution = { signatures: { uid: string }[] };
    const first = await call<Institution>(core, 'compose.institution', { refresh: true });
    const oldUid = first.signatures[0]?.uid;
    expect(oldUid).toMatch(/^[0-9a-f-]{36}$/);
    expect(await call(core, 'compose.queue', message(oldUid!))).toMatchObject({ messageIds: [expect.any(String)] });

    const saved = await call<{ id: string }>(core, 'profiles.save', {
      profile: {
        name: 'Otro servidor',
        baseUrl: other.sandbox.baseUrl,
        clientId: other.sandbox.institution.clientId,
        clientSecret: other.sandbox.institution.clientSecret,
      },
    });
    await call(core, 'profiles.activate', { id: saved.id });
    const second = await call<Institution>(core, 'compose.institution', { refresh: true });
    const newUid = second.signatures[0]?.uid;
    expect(second.signatures.map((s) => s.uid)).not.toContain(oldUid);

    const before = queued(core);
    const refused = await dispatch(table, core, 'compose.queue', message(oldUid!) as never);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe('INSTITUTION_SIGNATURE_STALE');
    expect(refused.error.message).toMatch(/no existe en el servidor actual/);
    expect(refused.error.message).toMatch(/No tiene relación con la firma digital/);
    expect(queued(core)).toBe(before);
    expect(core.audit.list().some((e) => e.action === 'compose.queue.refused' && e.details.code === 'INSTITUTION_SIGNATURE_STALE')).toBe(
      true,
    );

    await call(core, 'compose.queue', message(newUid!));
    expect(queued(core)).toBe(before + 1);
  });
});
