import type { CoreContext } from '../core/context';
import { embeddedSandbox } from './backends';
import { outboxRuntime } from './outbox-runtime';

/**
 * What the app does on its own while open (Electron and browser mode): the embedded sandbox, when the built-in
 * profile is active, and the outbox sender. The CLI starts neither unless a command needs it.
 */
export async function startBackgroundWork(core: CoreContext): Promise<{ sandboxUrl: string | null }> {
  let sandboxUrl: string | null = null;
  if (core.settings.activeProfileId() === 'sandbox') {
    try {
      sandboxUrl = (await embeddedSandbox(core)).baseUrl;
    } catch (err) {
      // The app stays usable without it (sign, verify, compose into the outbox); sending waits.
      console.error('No se pudo iniciar el sandbox integrado:', err);
    }
  }
  outboxRuntime(core).sender.start();
  return { sandboxUrl };
}
