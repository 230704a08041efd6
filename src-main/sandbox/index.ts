/**
 * Starts the casilla sandbox in-process: the CLI command `casilla sandbox` and the app's built-in profile
 * (`sandbox:embedded`, data in `<home>/sandbox`) both call `startSandbox`. A restart on the same data dir keeps
 * institutions, messages, statuses and idempotency records.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { FaultInjector, NO_FAULTS, parseFaultSpec, type FaultSpec } from './faults';
import type { AttachmentVerifier, ReceiptSigner } from './ports';
import { CoreReceiptSigner } from './receipt-signer';
import { SandboxServer } from './server';
import { CoreAttachmentVerifier } from './signed-pdf-check';
import { openSandboxDatabase, SandboxStore } from './store';
import { DEFAULT_WEBHOOK_OPTIONS, WebhookDispatcher, type WebhookOptions } from './webhooks';

export type { AttachmentVerifier, AttachmentVerdict, ReceiptSigner } from './ports';
export { parseFaultSpec, formatFaultSpec, FaultSpecError, type FaultSpec } from './faults';
export { verifyWebhookSignature, signWebhook } from './webhooks';
export { startFirmaGobSimulator, SANDBOX_ENTITY, type RunningFirmaGob } from './firmagob/server';

export const DEFAULT_RATE_PER_SECOND = 6;
export const DEFAULT_EMAIL_DELAY_MS = 4000;

export type StartSandboxOptions = {
  dataDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** A fault spec (text as for `--faults`) or an already parsed one. */
  faults?: string | FaultSpec;
  /** Ignore `Idempotency-Key` like the real platform (also settable in the fault spec and `PUT /sandbox/faults`). */
  ignoreIdempotencyKey?: boolean;
  /** Requests per second per institution before 429 (default 6). */
  rate?: number;
  /** How long email recipients stay `pending` (default 4 s; tests use a few ms). */
  emailDelayMs?: number;
  webhooks?: Partial<WebhookOptions>;
  /** Default: the PAdES signer of core/signing with the sandbox's own certificate; null sends unsigned receipts. */
  receiptSigner?: ReceiptSigner | null;
  /** Default: core/verify's checks (ERR021); null accepts every signed PDF. */
  attachmentVerifier?: AttachmentVerifier | null;
  /** The trainer endpoints' bearer token; default 32 random bytes, new every start. */
  trainerToken?: string;
};

export type RunningSandbox = {
  baseUrl: string;
  dataDir: string;
  institution: { name: string; clientId: string; clientSecret: string; webhookSecret: string };
  faults: FaultInjector;
  /** Required as `Authorization: Bearer <token>` by /sandbox/* (see `trainerHeaders`). */
  trainerToken: string;
  close(): Promise<void>;
};

/** Headers for a call to the trainer endpoints (/sandbox/*) of a running sandbox. */
export function trainerHeaders(sandbox: { trainerToken: string }): Record<string, string> {
  return { authorization: `Bearer ${sandbox.trainerToken}` };
}

/** The data dir of the app's embedded sandbox. */
export function embeddedSandboxDir(home: string): string {
  return path.join(home, 'sandbox');
}

/** Throws FaultSpecError on a bad spec and the listen error (e.g. EADDRINUSE) when the port is taken. */
export async function startSandbox(options: StartSandboxOptions): Promise<RunningSandbox> {
  const spec = typeof options.faults === 'string' ? parseFaultSpec(options.faults) : (options.faults ?? NO_FAULTS);
  const faults = new FaultInjector(options.ignoreIdempotencyKey ? { ...spec, ignoreIdempotencyKey: true } : spec);
  const rate = options.rate ?? DEFAULT_RATE_PER_SECOND;
  if (!(rate > 0)) throw new RangeError('rate must be positive');
  const receiptSigner = options.receiptSigner === undefined ? await CoreReceiptSigner.open(options.dataDir) : options.receiptSigner;
  const store = new SandboxStore(openSandboxDatabase(options.dataDir));
  const webhooks = new WebhookDispatcher({ ...DEFAULT_WEBHOOK_OPTIONS, ...options.webhooks });
  const trainerToken = options.trainerToken ?? crypto.randomBytes(32).toString('base64url');
  const server = new SandboxServer({
    store,
    faults,
    ratePerSecond: rate,
    emailDelayMs: options.emailDelayMs ?? DEFAULT_EMAIL_DELAY_MS,
    webhooks,
    receiptSigner,
    attachmentVerifier: options.attachmentVerifier === undefined ? new CoreAttachmentVerifier() : options.attachmentVerifier,
    trainerToken,
  });
  let baseUrl: string;
  try {
    const demo = store.ensureDemoInstitution();
    baseUrl = await server.listen(options.port ?? 0);
    let closed = false;
    return {
      baseUrl,
      dataDir: options.dataDir,
      institution: { name: demo.name, clientId: demo.clientId, clientSecret: demo.clientSecret, webhookSecret: demo.webhookSecret },
      faults,
      trainerToken,
      async close() {
        if (closed) return;
        closed = true;
        webhooks.close();
        await server.close();
        store.close();
      },
    };
  } catch (err) {
    webhooks.close();
    store.close();
    throw err;
  }
}
