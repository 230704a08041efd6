import path from 'node:path';
import { checkAttachment, checkAttachments, type AttachmentCheck } from '../core/compose/attachment-check';
import type { composeMethods, ProcedureView, SignatureView } from '../api/compose';
import { AppError } from '../api/result';
import { queueNotification } from '../core/compose/composer';
import { DraftStore } from '../core/compose/drafts';
import { importRecipientsCsvFile } from '../core/compose/recipients-csv';
import { collect, parseRecipient, parseRecipientList } from '../core/compose/recipients';
import { htmlToText, sanitizeHtml } from '../core/compose/sanitize-html';
import { fillTemplate, placeholders, TemplateStore } from '../core/compose/templates';
import type { CoreContext } from '../core/context';
import { backendForTarget, recipientRulesFor } from '../core/casilla/backends';
import { holidaysFor } from '../core/calendar/calendar';
import { deadlineFrom, deemedServed } from '../core/calendar/served';
import { writeConstancia } from '../core/evidence/constancia';
import { EMBEDDED_SANDBOX_URL } from '../core/settings/settings-store';
import { summarizeCertificate } from '../core/signing/certificate-summary';
import { loadOrCreateReceiptCertificate } from '../sandbox/receipt-certificate';
import { clientFactory, currentTarget, embeddedSandbox } from './backends';
import { outboxRuntime } from './outbox-runtime';
import type { HandlersFor } from './types';

type InstitutionCache = { procedures: ProcedureView[]; signatures: SignatureView[]; cachedAt: string };

/** Procedures and institutional signatures of the active backend, cached for offline composing. */
export async function institutionInfo(core: CoreContext, refresh: boolean): Promise<InstitutionCache & { offline: boolean }> {
  const target = await currentTarget(core);
  const key = `casilla.institution.${target.profileId}`;
  const cached = core.settings.get<InstitutionCache>(key);
  if (cached && !refresh) return { ...cached, offline: false };
  try {
    const c = await clientFactory(core)(target);
    const [p, s] = await Promise.all([c.getProcedure({ timeoutMs: 10_000 }), c.getSignature({ timeoutMs: 10_000 })]);
    if (p.kind !== 'accepted' || s.kind !== 'accepted') throw new Error('respuesta no aceptada');
    const fresh: InstitutionCache = {
      procedures: p.value.procedures.map((x) => ({ code: x.code, name: x.name, stage: Number(x.stage), stageName: x.stage_name })),
      signatures: s.value.signatures.map((x) => ({ uid: x.uid, name: x.name, body: sanitizeHtml(x.body) })),
      cachedAt: new Date().toISOString(),
    };
    core.settings.set(key, fresh);
    return { ...fresh, offline: false };
  } catch (err) {
    // Offline or refused: the cache, if any, keeps the composer usable.
    if (cached) return { ...cached, offline: true };
    if (err instanceof AppError) throw err;
    return { procedures: [], signatures: [], cachedAt: '', offline: true };
  }
}

function drafts(core: CoreContext): DraftStore {
  return new DraftStore(core.db, outboxRuntime(core).store);
}

export const composeHandlers: HandlersFor<keyof typeof composeMethods> = {
  'compose.parseRecipients': async (input, { core }) => parseRecipientList(input.text, recipientRulesFor(await currentTarget(core))),
  'compose.importCsv': async (input, { core }) => importRecipientsCsvFile(input.path, recipientRulesFor(await currentTarget(core))),
  'compose.sanitize': (input) => {
    const html = sanitizeHtml(input.html);
    return { html, text: htmlToText(html) };
  },
  'compose.institution': async (input, { core }) => {
    const info = await institutionInfo(core, input.refresh);
    return { procedures: info.procedures, signatures: info.signatures, cachedAt: info.cachedAt || null, offline: info.offline };
  },
  'compose.saveDraft': (input, { core }) => {
    const text = JSON.stringify(input.draft);
    if (text.length > 1_000_000) throw new AppError('DRAFT_TOO_LARGE', 'El borrador es demasiado grande para guardarlo.');
    const savedAt = new Date().toISOString();
    core.settings.set('compose.draft', { draft: input.draft, savedAt });
    return { savedAt };
  },
  'compose.loadDraft': (_input, { core }) => {
    const saved = core.settings.get<{ draft: Record<string, unknown>; savedAt: string }>('compose.draft');
    if (!saved) return { draft: null, savedAt: null };
    // A saved body is input like any other: it reaches the editor only after the sanitizer.
    const body = saved.draft.body;
    return { draft: { ...saved.draft, body: typeof body === 'string' ? sanitizeHtml(body) : '' }, savedAt: saved.savedAt };
  },
  'compose.drafts.list': (_input, { core }) => drafts(core).list(),
  'compose.drafts.save': async (input, { core }) => {
    const saved = await drafts(core).save({ id: input.id, name: input.name, fields: input.draft, attachments: input.attachments });
    core.audit.append({ action: 'compose.draft.save', subject: saved.id, details: { attachments: saved.attachments } });
    return saved;
  },
  'compose.drafts.open': (input, { core }) => {
    const d = drafts(core).open(input.id);
    return { id: d.id, name: d.name, updatedAt: d.updatedAt, draft: d.fields, attachments: d.attachments, lost: d.lost };
  },
  'compose.drafts.remove': (input, { core }) => {
    const removed = drafts(core).remove(input.id);
    if (removed) core.audit.append({ action: 'compose.draft.remove', subject: input.id });
    return { removed };
  },
  'compose.servedDates': (input, { core }) => {
    const d = outboxRuntime(core).repo.detail(input.id);
    const country = backendForTarget(d).country;
    return {
      country,
      recipients: d.recipients.map((r) => ({ rolUnico: r.rolUnico, ...deemedServed(country, r.deliveredAt, r.status) })),
    };
  },
  'compose.deadline': (input) => {
    const date = deadlineFrom(input.country, input.from, input.businessDays);
    const years = new Set([input.from.slice(0, 4), date.slice(0, 4)].map(Number));
    const all = [...years].map((y) => holidaysFor(input.country, y));
    const holidays = all.flatMap((y) => y.holidays).filter((h) => h.date > input.from.slice(0, 10) && h.date <= date);
    return {
      date,
      holidays,
      source: all.map((y) => `${y.year}: ${y.source}`).join(' · '),
      years: all.map((y) => ({ year: y.year, official: y.official })),
    };
  },
  'compose.constancia': async (input, { core }) => {
    const { repo, store } = outboxRuntime(core);
    const detail = repo.detail(input.id);
    if (detail.backendUrl !== EMBEDDED_SANDBOX_URL)
      throw new AppError(
        'CONSTANCIA_NO_CERTIFICATE',
        'La constancia de un servidor real se firma con el certificado de la institución, que aún no se puede configurar; solo los envíos al sandbox tienen constancia firmada por ahora.',
      );
    const sandbox = await embeddedSandbox(core);
    const cert = await loadOrCreateReceiptCertificate(sandbox.dataDir);
    // Each attachment's verdict, from the stored snapshot (what was actually sent), offline.
    const attachments = [];
    for (const a of detail.attachments) {
      let verdict = 'sin firma';
      try {
        const c = await checkAttachment(core, store.pathOf(a.sha256), a.name);
        if (c.signed) verdict = c.verdict === 'valid' ? 'VÁLIDO' : c.verdict === 'indeterminate' ? 'INDETERMINADO' : 'NO VÁLIDO';
      } catch (err) {
        verdict = err instanceof AppError ? `rechazado (${err.code})` : 'no verificado';
      }
      attachments.push({ ...a, verdict });
    }
    const output = path.join(core.home, 'constancias', `constancia-${detail.id}.pdf`);
    await writeConstancia({
      detail,
      country: backendForTarget(detail).country,
      attachments,
      signer: { privateKey: cert.privateKey, certificate: cert.certificate, chain: [], summary: summarizeCertificate(cert.certificate) },
      output,
    });
    core.audit.append({ action: 'outbox.constancia', subject: detail.id });
    return { path: output };
  },
  'compose.templates.list': (_input, { core }) => new TemplateStore(core.settings).list(),
  'compose.templates.save': (input, { core }) => {
    const t = new TemplateStore(core.settings).save({ ...input, body: sanitizeHtml(input.body) });
    core.audit.append({ action: 'compose.template.save', subject: t.id, details: { name: t.name } });
    return t;
  },
  'compose.templates.remove': (input, { core }) => {
    const removed = new TemplateStore(core.settings).remove(input.id);
    if (removed) core.audit.append({ action: 'compose.template.remove', subject: input.id });
    return { removed };
  },
  'compose.templates.fill': (input) => {
    const names = placeholders(input.subject, input.body);
    const subject = fillTemplate(input.subject, input.values, false);
    const body = fillTemplate(input.body, input.values, true);
    return { subject, body, placeholders: names, missing: placeholders(subject, body) };
  },
  'compose.checkAttachment': (input, { core }) => checkAttachment(core, input.path, input.name, input.siblings),
  'compose.queue': async (input, { core }) => {
    const rt = outboxRuntime(core);
    // The pick-time checks again, in order within each group: nothing refused there can be queued here.
    const checked: AttachmentCheck[][] = [];
    for (const g of input.groups)
      checked.push(
        await checkAttachments(
          core,
          g.attachments.map((a) => ({ path: a.path, name: a.name ?? path.basename(a.path) })),
        ),
      );
    const target = await currentTarget(core);
    const rules = recipientRulesFor(target);
    const groups = input.groups.map((g, gi) => {
      const parsed = collect(g.recipients.map((r, i) => parseRecipient(r.id, i + 1, r.name, rules)));
      if (parsed.problems.length) {
        throw new AppError(
          'RECIPIENTS_INVALID',
          `Hay ${parsed.problems.length} destinatario(s) no válido(s); corríjalos antes de enviar.`,
          { problems: parsed.problems },
        );
      }
      return {
        recipients: parsed.recipients,
        attachments: g.attachments.map((a, i) => ({ path: a.path, name: checked[gi]![i]!.name })),
        label: g.label,
      };
    });
    const cache = core.settings.get<InstitutionCache>(`casilla.institution.${target.profileId}`);
    // An institutional signature (a text footer, not a digital signature) belongs to one server: after a server
    // change the old uid would come back as ERR020 "Firma no válida", read as a broken digital signature.
    if (input.signatureUid && cache && !cache.signatures.some((x) => x.uid === input.signatureUid))
      throw new AppError(
        'INSTITUTION_SIGNATURE_STALE',
        'La firma institucional elegida (el texto al pie del mensaje) no existe en el servidor actual; elija otra o ninguna. No tiene relación con la firma digital de los documentos.',
        { signatureUid: input.signatureUid },
      );
    const result = await queueNotification(
      rt,
      target,
      {
        messageType: input.messageType,
        procedureCode: input.procedureCode,
        procedureStage: input.procedureStage,
        signatureUid: input.signatureUid,
        subject: input.subject,
        content: input.content,
        webhookUrl: input.webhookUrl,
        groups,
      },
      cache
        ? { procedures: cache.procedures.map((p) => ({ code: p.code, stage: p.stage })), signatureUids: cache.signatures.map((s) => s.uid) }
        : {},
      { draft: input.draft ?? false },
    );
    rt.sender.notify();
    core.events.emit({ type: 'changed', topic: 'outbox' });
    return result;
  },
};
