/**
 * Which casilla backend a message goes to, and the client that talks to it. The built-in profile points at the
 * embedded sandbox, started in-process on first use (data in `<home>/sandbox`); real profiles take their
 * secret from the OS keychain. One client per backend, so its rate limiter covers every message sent there.
 */
import crypto from 'node:crypto';
import { AppError } from '../api/result';
import { CasillaClient } from '../core/casilla/client';
import type { CoreContext } from '../core/context';
import type { BackendTarget } from '../core/outbox/transport';
import { EMBEDDED_SANDBOX_URL } from '../core/settings/settings-store';
import { embeddedSandboxDir, startSandbox, type RunningSandbox } from '../sandbox';

const sandboxes = new WeakMap<CoreContext, Promise<RunningSandbox>>();
const clientsByCore = new WeakMap<CoreContext, Map<string, CasillaClient>>();

/** The embedded sandbox of this process, started once. */
export function embeddedSandbox(core: CoreContext): Promise<RunningSandbox> {
  let running = sandboxes.get(core);
  if (!running) {
    running = startSandbox({ dataDir: embeddedSandboxDir(core.home) });
    sandboxes.set(core, running);
    core.onClose(async () => (await running!).close());
  }
  return running;
}

/** Credentials given on the command line (`--backend`, `--client-id`, `--client-secret-env`). */
export type BackendOverride = { baseUrl: string; clientId: string; clientSecret: string };

/** The backend a new message is queued for: the override, or the active profile. */
export async function currentTarget(core: CoreContext, override?: BackendOverride): Promise<BackendTarget> {
  if (override) return { profileId: 'cli', backendUrl: override.baseUrl, clientId: override.clientId };
  const profile = await core.settings.profile(core.settings.activeProfileId());
  return { profileId: profile.id, backendUrl: profile.baseUrl, clientId: profile.clientId };
}

/** Builds (and caches) the client of each backend; it is also the outbox's TransportFactory. */
export function clientFactory(core: CoreContext, overrides: BackendOverride[] = []): (target: BackendTarget) => Promise<CasillaClient> {
  return async (target) => {
    let options: { baseUrl: string; clientId: string; clientSecret: string };
    if (target.backendUrl === EMBEDDED_SANDBOX_URL) {
      const sb = await embeddedSandbox(core);
      options = { baseUrl: sb.baseUrl, clientId: sb.institution.clientId, clientSecret: sb.institution.clientSecret };
    } else {
      const override = overrides.find((o) => o.baseUrl === target.backendUrl && o.clientId === target.clientId);
      let secret = override?.clientSecret ?? null;
      if (!secret && target.profileId !== 'cli') secret = await core.settings.profileSecret(target.profileId);
      if (!secret) {
        throw new AppError(
          'BACKEND_NO_SECRET',
          `Falta el client secret para ${target.backendUrl} (perfil ${target.profileId}). Configúrelo o use --client-secret-env.`,
          { backendUrl: target.backendUrl },
        );
      }
      options = { baseUrl: target.backendUrl, clientId: target.clientId, clientSecret: secret };
    }
    // One client per backend and credentials in the whole process, so its rate limiter covers the sender, the
    // composer's lookups and receipt downloads together; a changed secret gets a new client.
    let clients = clientsByCore.get(core);
    if (!clients) clientsByCore.set(core, (clients = new Map()));
    const key = `${options.baseUrl}|${options.clientId}|${crypto.createHash('sha256').update(options.clientSecret).digest('hex')}`;
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new CasillaClient(options)));
    return client;
  };
}
