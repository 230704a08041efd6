import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { perRecipientFields } from '../../api/compose';
import { AppError } from '../../api/result';
import { backendForTarget, IDENTIFIER_NAMES } from '../casilla/backends';
import { casillaErrorText } from '../casilla/errors';
import { checkSendMessage, LIMITS, MESSAGE_TYPES, type AttachmentInput, type InstitutionProfile, type MessageType } from '../casilla/rules';
import type { AttachmentStore } from '../outbox/attachment-store';
import type { NewOutboxMessage, OutboxRepository } from '../outbox/outbox-repository';
import type { BackendTarget } from '../outbox/transport';
import type { Recipient } from './recipients';
import { sanitizeHtml } from './sanitize-html';
import { fillTemplate } from './templates';

/** One group of recipients with its own attachments; a simple message has one group. */
export type ComposeGroup = {
  recipients: Recipient[];
  attachments: { name?: string; path: string }[];
  /** The group's name as the official gave it; "Grupo N" when the envío has several groups and none was given. */
  label?: string | undefined;
};

export type ComposeRequest = {
  messageType: MessageType;
  procedureCode?: string | undefined;
  procedureStage?: 1 | 2 | 3 | undefined;
  signatureUid?: string | undefined;
  subject: string;
  /** HTML; sanitized here before anything is stored. */
  content: string;
  webhookUrl?: string | undefined;
  groups: ComposeGroup[];
};

/** What the composer knows of the institution (cached from getProcedure/getSignature); unknown → not checked here. */
export type InstitutionKnowledge = { procedures?: { code: string; stage: number }[]; signatureUids?: string[] };

/** How many bytes of each attachment the type check reads. */
const HEAD_BYTES = 64 * 1024;

/**
 * Turns a composed notification into outbox messages in one transaction. Each group becomes one message or,
 * above 250 recipients, several messages of the same envío. The content is sanitized, the rules the backend
 * applies are checked here first (the same module the sandbox uses), and every attachment is snapshotted into
 * the content-addressed store, so later edits to the original files change nothing.
 */
export async function queueNotification(
  deps: { repo: OutboxRepository; store: AttachmentStore },
  target: BackendTarget,
  request: ComposeRequest,
  institution: InstitutionKnowledge = {},
  options: { draft?: boolean } = {},
): Promise<{ envioId: string; messageIds: string[] }> {
  if (!MESSAGE_TYPES.includes(request.messageType)) throw new AppError('ERR005', casillaErrorText('ERR005'));
  if (request.groups.length === 0 || request.groups.every((g) => g.recipients.length === 0))
    throw new AppError('ERR001', casillaErrorText('ERR001'));
  // Last guard before anything is stored: the platform receives bare numbers and cannot tell a DNI from a RUN.
  const backend = backendForTarget(target);
  for (const g of request.groups)
    for (const r of g.recipients)
      if (!backend.identifiers.includes(r.kind))
        throw new AppError(
          'RECIPIENT_NOT_ACCEPTED',
          `${r.label}: ${backend.name} no acepta ${IDENTIFIER_NAMES[r.kind]}; solo ${backend.identifiers.map((k) => IDENTIFIER_NAMES[k]).join(', ')}.`,
          { label: r.label, kind: r.kind },
        );
  const content = sanitizeHtml(request.content);
  // {{nombre}} / {{identificador}}: one message per recipient, each filled with its own values. A recipient
  // without the value (a typed id has no name) is refused before anything is stored, naming it.
  const perRecipient = perRecipientFields(request.subject, content);
  if (perRecipient.includes('nombre')) {
    const unnamed = request.groups.flatMap((g) => g.recipients).filter((r) => !r.name);
    if (unnamed.length) {
      const names = `${unnamed
        .slice(0, 3)
        .map((r) => r.label)
        .join(', ')}${unnamed.length > 3 ? '…' : ''}`;
      throw new AppError(
        'PLACEHOLDER_NO_VALUE',
        `El mensaje usa {{nombre}} y hay destinatarios sin nombre (${unnamed.length}: ${names}); impórtelos desde un CSV con nombres o quite {{nombre}}.`,
        { count: unnamed.length, names },
      );
    }
  }
  const chunkSize = perRecipient.length ? 1 : LIMITS.maxRecipients;
  const envioId = crypto.randomUUID();
  const messages: NewOutboxMessage[] = [];
  const profile: InstitutionProfile = {
    logoConfigured: true,
    enabledMessageTypes: MESSAGE_TYPES,
    procedures:
      institution.procedures ??
      (request.procedureCode && request.procedureStage ? [{ code: request.procedureCode, stage: request.procedureStage }] : []),
    signatureUids: institution.signatureUids ?? (request.signatureUid ? [request.signatureUid] : []),
  };

  const nonEmpty = request.groups.filter((g) => g.recipients.length > 0).length;
  for (const [gi, group] of request.groups.entries()) {
    if (group.recipients.length === 0) continue;
    const chunks = Math.ceil(group.recipients.length / chunkSize);
    const given = group.label?.trim().slice(0, 120) || null;
    const files = group.attachments.map((a) => readForRules(a.path, a.name));
    const groupMessages: NewOutboxMessage[] = [];
    for (let start = 0; start < group.recipients.length; start += chunkSize) {
      const chunk = group.recipients.slice(start, start + chunkSize);
      const own = perRecipient.length ? { nombre: chunk[0]!.name ?? '', identificador: idLabel(chunk[0]!) } : null;
      const subject = own ? fillTemplate(request.subject, own, false) : request.subject;
      const body = own ? sanitizeHtml(fillTemplate(content, own, true)) : content;
      const data: Record<string, unknown> = {
        recipients: chunk.map((r) => ({ rol_unico: r.rolUnico })),
        message_type: request.messageType,
        subject,
        content: body,
        content_type: 'text/html',
      };
      if (request.messageType === 'NT') {
        data.procedure_code = request.procedureCode;
        data.procedure_stage = request.procedureStage;
      }
      if (request.signatureUid) data.signature_uid = request.signatureUid;
      if (request.webhookUrl) data.webhook_url = request.webhookUrl;
      const check = checkSendMessage(data, files, profile);
      if (!check.ok) throw new AppError(check.code, casillaErrorText(check.code), { all: check.all });
      groupMessages.push({
        id: crypto.randomUUID(),
        envioId,
        profileId: target.profileId,
        backendUrl: target.backendUrl,
        clientId: target.clientId,
        messageType: request.messageType,
        procedureCode: request.messageType === 'NT' ? (request.procedureCode ?? null) : null,
        procedureStage: request.messageType === 'NT' ? (request.procedureStage ?? null) : null,
        subject,
        dataJson: JSON.stringify(check.data),
        payloadSha256: '',
        recipients: chunk.map((r) => ({ rolUnico: r.rolUnico, label: r.label })),
        attachments: [],
        state: options.draft ? 'draft' : 'queued',
        groupLabel: own
          ? [groupLabel(given, gi, nonEmpty, 0, 1), idLabel(chunk[0]!)].filter(Boolean).join(' · ')
          : groupLabel(given, gi, nonEmpty, start / chunkSize, chunks),
      });
    }
    // Snapshots after the rules passed: nothing is copied for a message that would be refused.
    const stored = [];
    for (const [i, a] of group.attachments.entries()) {
      const s = await deps.store.put(a.path, LIMITS.maxAttachmentBytes);
      stored.push({ name: files[i]!.name, sha256: s.sha256, size: s.size });
    }
    for (const m of groupMessages) {
      m.attachments = stored;
      m.payloadSha256 = crypto
        .createHash('sha256')
        .update(m.dataJson)
        .update(stored.map((s) => s.sha256).join(','))
        .digest('hex');
      messages.push(m);
    }
  }
  deps.repo.insert(messages);
  return { envioId, messageIds: messages.map((m) => m.id) };
}

/**
 * The name a message of the envío shows for its group: the official's own, or "Grupo N" when there are several
 * groups; a group split above 250 recipients adds "parte i de n". Null for an envío of one message.
 */
export function groupLabel(given: string | null, index: number, groups: number, part: number, parts: number): string | null {
  const name = given ?? (groups > 1 ? `Grupo ${index + 1}` : null);
  if (parts <= 1) return name;
  return `${name ? `${name}, ` : ''}parte ${part + 1} de ${parts}`;
}

/** The recipient's identifier as written ("RUN 12.345.678-5"), without the name its label carries. */
function idLabel(r: Recipient): string {
  const prefix = r.name ? `${r.name} (` : '';
  return prefix && r.label.startsWith(prefix) && r.label.endsWith(')') ? r.label.slice(prefix.length, -1) : r.label;
}

function readForRules(file: string, name?: string): AttachmentInput {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new AppError('ATTACHMENT_UNREADABLE', `No se pudo leer el adjunto ${path.basename(file)}.`, { file }, { cause: err });
  }
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, HEAD_BYTES));
    fs.readSync(fd, head, 0, head.length, 0);
    return { name: name ?? path.basename(file), bytes: head, size };
  } finally {
    fs.closeSync(fd);
  }
}
