import type { appMethods } from '../api/app';
import type { HandlersFor } from './types';
import { APP_NAME, APP_VERSION } from '../core/version';
import { demoCertificate } from '../core/resources';

function demo(): { path: string; password: string } | null {
  const d = demoCertificate();
  return d ? { path: d.path, password: d.password } : null;
}

export const appHandlers: HandlersFor<keyof typeof appMethods> = {
  'app.info': (_input, { core }) => ({
    name: APP_NAME,
    version: APP_VERSION,
    shell: core.shell,
    home: core.home,
    locale: core.settings.preferences().locale,
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    demoCertificate: demo(),
  }),
  'app.ping': (input) => ({ pong: input.echo ?? 'pong', at: new Date().toISOString() }),
  'app.activity': (input, { core }) => {
    core.audit.append({ action: `session.${input.action}` });
    return { recorded: true };
  },
};
