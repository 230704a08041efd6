/** Starts a real sandbox on a random 127.0.0.1 port in a temp folder, with a client for its demo institution. */
import { CasillaClient, type CasillaClientOptions } from '../../src-main/core/casilla/client';
import { startSandbox, trainerHeaders, type RunningSandbox, type StartSandboxOptions } from '../../src-main/sandbox';
import { tempDir } from './temp-home';

export type TestSandbox = {
  sandbox: RunningSandbox;
  client: CasillaClient;
  dataDir: string;
  clientFor(options?: Partial<CasillaClientOptions>): CasillaClient;
  /** GET/PUT/POST on the trainer endpoints (/sandbox/...), JSON in and out. */
  admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  restart(options?: Partial<StartSandboxOptions>): Promise<void>;
  cleanup(): Promise<void>;
};

export async function startTestSandbox(options: Partial<StartSandboxOptions> = {}): Promise<TestSandbox> {
  const { dir, cleanup } = tempDir('casilla-sandbox-');
  const base: StartSandboxOptions = {
    dataDir: dir,
    emailDelayMs: 150,
    webhooks: { baseDelayMs: 20, capDelayMs: 200, timeoutMs: 2000 },
    ...options,
  };
  let sandbox = await startSandbox(base);
  const clientFor = (o: Partial<CasillaClientOptions> = {}) =>
    new CasillaClient({
      baseUrl: sandbox.baseUrl,
      clientId: sandbox.institution.clientId,
      clientSecret: sandbox.institution.clientSecret,
      timeoutMs: 10_000,
      ...o,
    });
  const t: TestSandbox = {
    sandbox,
    client: clientFor(),
    dataDir: dir,
    clientFor,
    async admin<T>(method: string, path: string, body?: unknown) {
      const res = await fetch(sandbox.baseUrl + path, {
        method,
        headers: { ...trainerHeaders(sandbox), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as T };
    },
    async restart(more = {}) {
      await sandbox.close();
      sandbox = await startSandbox({ ...base, ...more });
      t.sandbox = sandbox;
      t.client = clientFor();
    },
    async cleanup() {
      await sandbox.close();
      cleanup();
    },
  };
  return t;
}

/** A valid CP message; pass a unique subject so ERR031 (duplicates within 5 minutes) never interferes. */
export function validMessage(subject: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    recipients: [{ rol_unico: 33333333 }],
    message_type: 'CP',
    subject,
    content: '<p>Estimado ciudadano, ver <a href="https://www.example.cl/resolucion" target="_blank">la resolución</a>.</p>',
    content_type: 'text/html',
    ...patch,
  };
}

export type ListedMessage = {
  id: string;
  idempotency_key: string | null;
  subject: string;
  recipients: { rol_unico: number; ddu_type: string; message_status: string }[];
  attachments: { name: string; size: number; kind: string; sha256: string }[];
};
