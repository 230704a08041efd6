import type { keysMethods } from '../api/keys';
import { listSigningCertificates } from '../core/signing/keys/certificate-catalog';
import { installedModules, knownModules } from '../core/signing/keys/pkcs11/pkcs11-modules';
import { firmaGobChoice } from './firmagob';
import type { HandlersFor } from './types';

export const keysHandlers: HandlersFor<keyof typeof keysMethods> = {
  'keys.list': async (input, { core }) => {
    const listed = await listSigningCertificates(core, {
      pkcs11Modules: input.pkcs11Modules,
      online: input.online,
      includeDefaults: true,
    });
    // FirmaGob issues its certificate per signature: one choice for the configured official (or the simulator's).
    try {
      const fg = await firmaGobChoice(core);
      if (fg) listed.certificates.push(fg);
    } catch (err) {
      listed.problems.push({ source: 'firmagob', code: 'FIRMAGOB_UNAVAILABLE', message: err instanceof Error ? err.message : String(err) });
    }
    return listed;
  },
  'keys.modules': () => {
    const installed = new Set(installedModules().map((m) => m.path));
    return knownModules().map((m) => ({ ...m, installed: installed.has(m.path) }));
  },
};
