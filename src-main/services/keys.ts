import type { keysMethods } from '../api/keys';
import { listSigningCertificates } from '../core/signing/keys/certificate-catalog';
import { installedModules, knownModules } from '../core/signing/keys/pkcs11/pkcs11-modules';
import type { HandlersFor } from './types';

export const keysHandlers: HandlersFor<keyof typeof keysMethods> = {
  'keys.list': (input, { core }) =>
    listSigningCertificates(core, { pkcs11Modules: input.pkcs11Modules, online: input.online, includeDefaults: true }),
  'keys.modules': () => {
    const installed = new Set(installedModules().map((m) => m.path));
    return knownModules().map((m) => ({ ...m, installed: installed.has(m.path) }));
  },
};
