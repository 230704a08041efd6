import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueNotification } from '../../src-main/core/compose/composer';
import { openCore } from '../../src-main/core/context';
import { parseRecipient, type Recipient } from '../../src-main/core/compose/recipients';
import { AttachmentStore } from '../../src-main/core/outbox/attachment-store';
import { OutboxRepository } from '../../src-main/core/outbox/outbox-repository';
import { startSandbox, trainerHeaders, type RunningSandbox } from '../../src-main/sandbox';
import { tempDir } from '../helpers/temp-home';

/**
 * The soak: a faulty sandbox (lost answers after storing, resets, 503, 429 storms, latency), 200 distinct
 * messages, and a sender process killed with SIGKILL at random moments at least 20 times, then restarted until
 * nothing is left to send. Afterwards every message is on the platform exactly once (or waits for the user as
 * needs-reconciliation, with its reason), none is missing, and every local id matches the platform's.
 */
const MESSAGES = 200;
const KILLS = 20;
const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');

type Row = { id: string; state: string; message_data_id: string | null; error_message: string | null; subject: string };

describe('outbox soak: SIGKILL at random moments against a faulty backend', () => {
  const home = tempDir('casilla-soak-');
  const sbDir = tempDir('casilla-soak-sandbox-');
  let sandbox: RunningSandbox;
  let seed = 20261123;
  const random = () => {
    // A fixed-seed LCG: a failing run can be replayed exactly.
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  beforeAll(async () => {
    sandbox = await startSandbox({
      dataDir: sbDir.dir,
      emailDelayMs: 50,
      rate: 200,
      faults: 'drop-after-commit=0.15,reset=0.1,status503=0.1,storm429=0.05,latency=5-60ms,seed=7',
    });
    const core = openCore({ home: home.dir, shell: 'cli' });
    const deps = { repo: new OutboxRepository(core.db, core.audit), store: new AttachmentStore(core.home) };
    const target = { profileId: 'cli', backendUrl: sandbox.baseUrl, clientId: sandbox.institution.clientId };
    const who = parseRecipient('33333333-3') as Recipient;
    for (let i = 0; i < MESSAGES; i++) {
      await queueNotification(deps, target, {
        messageType: 'CP',
        subject: `Soak ${i}`,
        content: `<p>Mensaje número ${i}</p>`,
        groups: [{ recipients: [who], attachments: [] }],
      });
    }
    await core.close();
  });
  afterAll(async () => {
    await sandbox.close();
    home.cleanup();
    sbDir.cleanup();
  });

  function startSender(once: boolean): ChildProcess {
    const args = [
      cli,
      '--home',
      home.dir,
      'outbox',
      'sync',
      ...(once ? ['--once'] : []),
      '--backend',
      sandbox.baseUrl,
      '--client-id',
      sandbox.institution.clientId,
      '--client-secret-env',
      'SOAK_SECRET',
    ];
    return spawn(process.execPath, args, {
      env: { ...process.env, SOAK_SECRET: sandbox.institution.clientSecret },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  }

  function localRows(): Row[] {
    const core = openCore({ home: home.dir, shell: 'cli' });
    try {
      return core.db.prepare(`SELECT id, state, message_data_id, error_message, subject FROM outbox_messages`).all() as Row[];
    } finally {
      void core.close();
    }
  }

  it(`delivers ${MESSAGES} messages exactly once across ${KILLS}+ kills`, async () => {
    let kills = 0;
    while (kills < KILLS) {
      const child = startSender(false);
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, 150 + Math.floor(random() * 900)));
      child.kill('SIGKILL');
      await exited;
      kills++;
    }
    // Restart until nothing is waiting to be sent.
    let rounds = 0;
    for (;;) {
      const pending = localRows().filter((r) => r.state === 'queued' || r.state === 'sending');
      if (pending.length === 0) break;
      if (++rounds > 200) throw new Error(`still pending after ${rounds} rounds: ${pending.length}`);
      const child = startSender(true);
      await new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, 100));
    }

    const rows = localRows();
    expect(rows).toHaveLength(MESSAGES);
    const res = await fetch(`${sandbox.baseUrl}/sandbox/messages?limit=1000`, { headers: trainerHeaders(sandbox) });
    const remote = ((await res.json()) as { messages: { id: string; idempotency_key: string | null; subject: string }[] }).messages;
    const key = (k: string | null) => (k ?? '').replace(/"/g, '');

    // Nothing twice on the platform: one stored message per local id and per subject.
    const perKey = new Map<string, number>();
    for (const m of remote) perKey.set(key(m.idempotency_key), (perKey.get(key(m.idempotency_key)) ?? 0) + 1);
    expect([...perKey.values()].filter((n) => n > 1)).toEqual([]);
    expect(new Set(remote.map((m) => m.subject)).size).toBe(remote.length);

    // Nothing on the platform that we do not know of.
    const localIds = new Set(rows.map((r) => r.id));
    expect(remote.filter((m) => !localIds.has(key(m.idempotency_key)))).toEqual([]);

    // Every local message is accounted for, and its state matches the platform's.
    const remoteByKey = new Map(remote.map((m) => [key(m.idempotency_key), m]));
    const reconcile = rows.filter((r) => r.state === 'needs_reconciliation');
    for (const r of rows) {
      if (r.state === 'needs_reconciliation') {
        expect(r.error_message).toBeTruthy();
        continue;
      }
      expect(['accepted', 'tracking', 'done']).toContain(r.state);
      expect(r.message_data_id).toBe(remoteByKey.get(r.id)?.id);
    }
    expect(rows.filter((r) => r.state === 'failed')).toEqual([]);
    // With a quick retry inside the window and the sandbox honouring Idempotency-Key, nothing should need the user.
    expect(reconcile.length).toBeLessThan(MESSAGES / 20);
    expect(remote.length).toBeGreaterThanOrEqual(MESSAGES - reconcile.length);
    console.log(`soak: ${kills} kills, ${rounds} restarts to finish, ${remote.length} stored, ${reconcile.length} to reconcile`);
  }, 300_000);
});
