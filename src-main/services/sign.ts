import type { signMethods } from '../api/sign';
import { addCertificate, inspectCertificate, listCertificates, removeCertificate, startSigning } from '../core/signing/signing-service';
import { AppError } from '../api/result';
import { consentGiven, rememberedPasswordAllowed } from '../core/lock/app-lock';
import { inspectPdfIsolated } from '../core/isolate/isolated';
import { firmaGobSecretAccount, loadFirmaGobSettings, saveFirmaGobSettings } from '../core/signing/firmagob/settings';
import { tsaConfigForProfile } from '../core/signing/tsa-profiles';
import { firmaGobConfigForSigning, simulatorOtp } from './firmagob';
import type { HandlersFor } from './types';

export const signHandlers: HandlersFor<keyof typeof signMethods> = {
  'sign.inspectPdf': (input) => inspectPdfIsolated(input.path, input.page),
  'sign.inspectCertificate': (input) => inspectCertificate(input.p12Path, input.password),
  'sign.certificates.list': (_input, { core }) => listCertificates(core),
  'sign.certificates.add': async (input, { core }) => {
    const saved = await addCertificate(core, input);
    core.events.emit({ type: 'changed', topic: 'certificates' });
    return saved;
  },
  'sign.certificates.remove': async (input, { core }) => {
    await removeCertificate(core, input.id);
    core.events.emit({ type: 'changed', topic: 'certificates' });
    return { removed: true };
  },
  'sign.firmagob.get': async (_input, { core }) => {
    const settings = loadFirmaGobSettings(core);
    const hasSecret = settings ? (await core.secrets.get(firmaGobSecretAccount(settings.apiKey))) !== null : false;
    return { settings, hasSecret };
  },
  'sign.firmagob.simulatorOtp': (_input, { core }) => simulatorOtp(core),
  'sign.firmagob.save': async (input, { core }) => {
    const { secret, officialName, ...rest } = input;
    await saveFirmaGobSettings(core, { ...rest, ...(officialName ? { officialName } : {}) }, secret);
    return { saved: true };
  },
  'sign.start': async (input, { core, signal, progress }) => {
    // After a lock, a remembered certificate password needs the user's consent again: typing it once.
    const remembered = Boolean(input.certificate.certificateId) && input.certificate.password === undefined;
    if (remembered && !rememberedPasswordAllowed(core)) {
      throw new AppError('SIGN_CONSENT_REQUIRED', 'La aplicación se bloqueó: escriba de nuevo la contraseña del certificado para firmar.');
    }
    const { firmagob, ...certificate } = input.certificate;
    if (input.options.tsaProfile) {
      const { tsaProfile, ...options } = input.options;
      input = { ...input, options: { ...options, tsa: await tsaConfigForProfile(core, tsaProfile) } };
    }
    const signInput = firmagob
      ? { ...input, certificate: { firmagob: await firmaGobConfigForSigning(core, input.certificate.password) } }
      : { ...input, certificate };
    const result = await startSigning(core, signInput, {
      signal,
      onProgress: (p) => progress('sign.file', (p.index + p.fraction) / p.total, { index: p.index + 1, total: p.total, file: p.file }),
    });
    if (!remembered && input.certificate.certificateId && result.signed > 0) consentGiven(core);
    return result;
  },
};
