import fs from 'node:fs';
import path from 'node:path';
import type { CoreContext } from '../../src-main/core/context';
import { AttachmentStore } from '../../src-main/core/outbox/attachment-store';
import { OutboxRepository } from '../../src-main/core/outbox/outbox-repository';
import { OutboxSender, type SenderOptions } from '../../src-main/core/outbox/outbox-sender';
import type { BackendTarget } from '../../src-main/core/outbox/transport';
import { startSandbox, trainerHeaders, type RunningSandbox } from '../../src-main/sandbox';
import { clientFactory } from '../../src-main/services/backends';
import { tempCore, tempDir } from './temp-home';

export type OutboxEnv = {
  core: CoreContext;
  home: string;
  sandbox: RunningSandbox;
  target: BackendTarget;
  repo: OutboxRepository;
  store: AttachmentStore;
  sender: OutboxSender;
  /** What the sandbox accepted, as its trainer endpoint lists it. */
  sandboxMessages(): Promise<SandboxMessage[]>;
  /** Runs the sender until no live message is left (or `maxRounds` passes), waiting for due times. */
  runUntilQuiet(opts?: { until?: (states: string[]) => boolean; maxRounds?: number }): Promise<void>;
  cleanup(): Promise<void>;
};

export type SandboxMessage = {
  id: string;
  idempotency_key: string | null;
  subject: string;
  recipients: { rol_unico: number; ddu_type: string; message_status: string }[];
  attachments: { name: string; sha256: string }[];
};

/** A real core (temp folder, real SQLite), a real sandbox over HTTP, and a sender with fast timings. */
/**
 * Every outbox test runs in both modes: the sandbox honouring Idempotency-Key, and ignoring it like the real
 * platform (CASILLA_TEST_IGNORE_KEY=1, or `ignoreKey: true`).
 */
export const IGNORE_KEY_BY_DEFAULT = process.env.CASILLA_TEST_IGNORE_KEY === '1';

export async function outboxEnv(
  options: { faults?: string; sender?: Partial<SenderOptions>; rate?: number; ignoreKey?: boolean; uploadTimeoutMs?: number } = {},
): Promise<OutboxEnv> {
  const { core, home, cleanup } = tempCore({ secrets: undefined });
  const sbDir = tempDir('casilla-sandbox-');
  const sandbox = await startSandbox({
    dataDir: sbDir.dir,
    emailDelayMs: 30,
    rate: options.rate ?? 1000,
    ...(options.faults ? { faults: options.faults } : {}),
    ignoreIdempotencyKey: options.ignoreKey ?? IGNORE_KEY_BY_DEFAULT,
  });
  const override = { baseUrl: sandbox.baseUrl, clientId: sandbox.institution.clientId, clientSecret: sandbox.institution.clientSecret };
  const target: BackendTarget = { profileId: 'cli', backendUrl: sandbox.baseUrl, clientId: sandbox.institution.clientId };
  const repo = new OutboxRepository(core.db, core.audit);
  const store = new AttachmentStore(home);
  const factory = clientFactory(core, [override]);
  const transportFor = options.uploadTimeoutMs
    ? async (t: BackendTarget) => {
        const c = await factory(t);
        // Short uploads for the "hang" faults; everything else as the app does it.
        return {
          sendMessage: (
            d: Parameters<typeof c.sendMessage>[0],
            a: Parameters<typeof c.sendMessage>[1],
            o: Parameters<typeof c.sendMessage>[2] = {},
          ) => c.sendMessage(d, a, { timeoutMs: options.uploadTimeoutMs, ...o }),
          messageStatus: c.messageStatus.bind(c),
          citizenPending: c.citizenPending.bind(c),
          citizenInbox: c.citizenInbox.bind(c),
          platformTime: c.platformTime.bind(c),
          platformNow: c.platformNow.bind(c),
        };
      }
    : factory;
  const sender = new OutboxSender(repo, store, transportFor, core.events, {
    poll: { baseMs: 20, capMs: 100 },
    retry: { baseMs: 10, capMs: 100 },
    unknownRetryMs: { baseMs: 10, capMs: 50 },
    ...options.sender,
  });
  const live = ['queued', 'sending', 'accepted', 'tracking'];
  return {
    core,
    home,
    sandbox,
    target,
    repo,
    store,
    sender,
    async sandboxMessages() {
      const res = await fetch(`${sandbox.baseUrl}/sandbox/messages?limit=1000`, { headers: trainerHeaders(sandbox) });
      return ((await res.json()) as { messages: SandboxMessage[] }).messages;
    },
    async runUntilQuiet(opts = {}) {
      const done = opts.until ?? ((states) => states.every((s) => !live.includes(s)));
      for (let round = 0; round < (opts.maxRounds ?? 400); round++) {
        await sender.runOnce();
        const states = (core.db.prepare(`SELECT state FROM outbox_messages`).all() as { state: string }[]).map((r) => r.state);
        if (done(states)) return;
        const next = repo.nextDueAt();
        const wait = next ? Math.min(200, Math.max(5, Date.parse(next) - Date.now())) : 20;
        await new Promise((r) => setTimeout(r, wait));
      }
      throw new Error('the outbox did not become quiet');
    },
    async cleanup() {
      await sender.stop();
      await sandbox.close();
      await cleanup();
      sbDir.cleanup();
    },
  };
}

/** Writes a small but real PDF (for attachments). */
export function writePdf(dir: string, name: string, text = 'Casilla'): string {
  const p = path.join(dir, name);
  const body = `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n% ${text}\ntrailer<</Root 1 0 R>>\n%%EOF\n`;
  fs.writeFileSync(p, body);
  return p;
}
