/**
 * The "constancia de envío" of one outbox message: a small real PDF (pages of Helvetica text, WinAnsi so Spanish
 * prints, exact xref) holding what an expediente needs — the content's SHA-256, each attachment's name, hash and
 * signature verdict, the platform's message id, and per recipient the DDU, state, delivery and served dates —
 * signed with the given signer (the institution's certificate, or the embedded sandbox's) as an invisible PAdES
 * signature through core/signing. The signer is injected: this module never knows where the key lives.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OutboxDetail } from '../../api/outbox';
import { messageDelivery } from '../../api/delivery';
import { deemedServed } from '../calendar/served';
import type { Country } from '../casilla/backends';
import { signPdf, type Signer } from '../signing/pades-signer';
import { buildTextPdf, clipText, type TextLine } from './text-pdf';

export type AttachmentEvidence = { name: string; sha256: string; size: number; verdict: string };

/** The lines of the constancia, in order (also what a test reads back). */
export function constanciaLines(
  d: OutboxDetail,
  country: Country,
  attachments: readonly AttachmentEvidence[],
  generatedAt: Date,
): TextLine[] {
  const delivery = messageDelivery(d);
  const deliveryText = { delivered: 'Entregado', delivered_with_errors: 'Entregado con errores', error: 'Con error' };
  const lines: TextLine[] = [
    { text: 'Constancia de envío', size: 18 },
    { text: `Casilla Desktop · ${country === 'CL' ? 'CasillaÚnica (Chile)' : 'Perú'} · ${d.backendUrl}`, size: 9 },
    { text: '', size: 8 },
    { text: `Mensaje local: ${d.id}   Envío: ${d.envioId}`, size: 9 },
    { text: `Id en la plataforma: ${d.messageDataId ?? '(sin id: no aceptado)'}`, size: 10 },
    {
      text: `Tipo: ${d.messageType}${d.procedureCode ? `   Procedimiento: ${d.procedureCode} etapa ${d.procedureStage ?? '-'}` : ''}`,
      size: 10,
    },
    { text: `Asunto: ${clipText(d.subject, 80)}`, size: 10 },
    { text: `SHA-256 del contenido: ${crypto.createHash('sha256').update(d.content, 'utf8').digest('hex')}`, size: 8 },
    { text: `Estado: ${delivery ? deliveryText[delivery] : d.state}   Enviado: ${d.sentAt ?? '-'}`, size: 10 },
    { text: '', size: 8 },
    { text: `Adjuntos (${attachments.length}):`, size: 11 },
    ...attachments.flatMap((a) => [
      { text: `  ${clipText(a.name, 60)}  ${a.size} bytes  firma: ${a.verdict}`, size: 9 },
      { text: `    SHA-256 ${a.sha256}`, size: 8 },
    ]),
    { text: '', size: 8 },
    { text: `Destinatarios (${d.recipients.length}): DDU, estado, entregado, notificado el`, size: 11 },
    ...d.recipients.map((r) => ({
      text: `  ${clipText(r.label, 40)}  ${r.dduType ?? '-'}  ${r.status ?? '-'}  ${r.deliveredAt ?? '-'}  ${
        deemedServed(country, r.deliveredAt, r.status).deemedServedAt ?? '-'
      }`,
      size: 8,
    })),
    { text: '', size: 8 },
    { text: `Emitida: ${generatedAt.toISOString()}`, size: 8 },
  ];
  return lines;
}

/** The unsigned PDF: as many pages as the lines need. */
export function buildConstanciaPdf(lines: readonly TextLine[]): Buffer {
  return buildTextPdf(lines, {
    title: 'Constancia de envío',
    producer: 'Casilla Desktop',
    left: 50,
    top: 800,
    leading: 1.6,
    linesPerPage: 48,
  });
}

/**
 * Writes the signed constancia of a message to `output` (temp file, then the signer's safe output). Fails with the
 * signer's AppError when the key or certificate cannot sign; nothing is left at `output` then.
 */
export async function writeConstancia(options: {
  detail: OutboxDetail;
  country: Country;
  attachments: readonly AttachmentEvidence[];
  signer: Signer;
  output: string;
  now?: Date;
}): Promise<{ output: string }> {
  const lines = constanciaLines(options.detail, options.country, options.attachments, options.now ?? new Date());
  const pdf = buildConstanciaPdf(lines);
  fs.mkdirSync(path.dirname(options.output), { recursive: true });
  const input = `${options.output}.sin-firma.pdf`;
  fs.writeFileSync(input, pdf, { mode: 0o600 });
  try {
    await signPdf({
      input,
      output: options.output,
      signer: options.signer,
      role: 'firma',
      reason: 'Constancia de envío',
      location: 'Casilla Desktop',
      stamp: { invisible: true },
    });
  } finally {
    fs.rmSync(input, { force: true });
  }
  return { output: options.output };
}
