import type { signMethods } from '../api/sign';
import { addCertificate, inspectCertificate, listCertificates, removeCertificate, startSigning } from '../core/signing/signing-service';
import { inspectPdfIsolated } from '../core/isolate/isolated';
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
  'sign.start': (input, { core, signal, progress }) =>
    startSigning(core, input, {
      signal,
      onProgress: (p) => progress('sign.file', (p.index + p.fraction) / p.total, { index: p.index + 1, total: p.total, file: p.file }),
    }),
};
