import type { verifyMethods } from '../api/verify';
import { defaultReportPath, saveReportPdf } from '../core/verify/report-pdf';
import { reportSettings, savedReportBrand, updateReportSettings } from '../core/verify/report-logo';
import { extractRevision, revisionData } from '../core/verify/signed-revision';
import { addUserAnchors, removeUserAnchor } from '../core/verify/trust';
import { listTrustAnchors, verifyFiles } from '../core/verify/verify-service';
import type { HandlersFor } from './types';

export const verifyHandlers: HandlersFor<keyof typeof verifyMethods> = {
  'verify.files': async (input, { core, signal, progress }) => {
    const outcomes = await verifyFiles(core, input, {
      signal,
      onFile: (i, total, file) => progress('verify.file', i / total, { index: i + 1, total, file }),
    });
    progress('verify.done', 1);
    core.audit.append({
      action: 'verify',
      details: { files: outcomes.length, verdicts: outcomes.map((o) => o.report?.verdict ?? o.error?.code ?? '') },
    });
    return { outcomes };
  },
  'verify.reportPdf': async (input, { core, signal, progress }) => {
    const outcomes = await verifyFiles(core, input, {
      signal,
      onFile: (i, total, file) => progress('verify.file', i / total, { index: i + 1, total, file }),
    });
    // In the user's language and time zone, with the institution's name and logo from Configuración.
    const saved = saveReportPdf(outcomes, input.files, input.output ?? defaultReportPath(core.home), new Date(), {
      lang: core.settings.preferences().locale,
      timeZone: input.timeZone,
      ...savedReportBrand(core.home, core.settings),
    });
    progress('verify.done', 1);
    core.audit.append({
      action: 'verify.report',
      subject: saved.output,
      details: { files: outcomes.length, verdicts: outcomes.map((o) => o.report?.verdict ?? o.error?.code ?? ''), bytes: saved.bytes },
    });
    return saved;
  },
  'verify.reportSettings.get': (_input, { core }) => reportSettings(core.settings),
  'verify.reportSettings.update': (input, { core }) => {
    const next = updateReportSettings(core.home, core.settings, input);
    core.audit.append({
      action: 'verify.report.settings',
      details: {
        institution: input.institution !== undefined,
        logo: input.logoPath === null ? 'removed' : input.logoPath ? 'set' : 'kept',
      },
    });
    core.events.emit({ type: 'changed', topic: 'settings' });
    return next;
  },
  'verify.extractRevision': (input) => extractRevision(input.file, input.revision, input.output),
  'verify.revisionData': (input) => revisionData(input.file, input.revision),
  'verify.trust.list': (_input, { core }) => listTrustAnchors(core),
  'verify.trust.add': (input, { core }) => {
    const added = addUserAnchors(core.settings, input.pem);
    core.audit.append({ action: 'verify.trust.add', details: { added } });
    core.events.emit({ type: 'changed', topic: 'trust' });
    return { added };
  },
  'verify.trust.remove': (input, { core }) => {
    const removed = removeUserAnchor(core.settings, input.fingerprint);
    core.audit.append({ action: 'verify.trust.remove', subject: input.fingerprint, details: { removed } });
    core.events.emit({ type: 'changed', topic: 'trust' });
    return { removed };
  },
};
