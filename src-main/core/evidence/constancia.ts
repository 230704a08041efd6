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

export type AttachmentEvidence = { name: string; sha256: string; size: number; verdict: string };

const LINES_PER_PAGE = 48;

function pdfString(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const c = code >= 0x20 && code <= 0xff ? ch : '?';
    out += c === '(' || c === ')' || c === '\\' ? '\\' + c : c;
  }
  return `(${out})`;
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? chars.slice(0, max - 3).join('') + '...' : text;
}

/** The lines of the constancia, in order (also what a test reads back). */
export function constanciaLines(
  d: OutboxDetail,
  country: Country,
  attachments: readonly AttachmentEvidence[],
  generatedAt: Date,
): { text: string; size: number }[] {
  const delivery = messageDelivery(d);
  const deliveryText = { delivered: 'Entregado', delivered_with_errors: 'Entregado con errores', error: 'Con error' };
  const lines: { text: string; size: number }[] = [
    { text: 'Constancia de envío', size: 18 },
    { text: `Casilla Desktop · ${country === 'CL' ? 'CasillaÚnica (Chile)' : 'Perú'} · ${d.backendUrl}`, size: 9 },
    { text: '', size: 8 },
    { text: `Mensaje local: ${d.id}   Envío: ${d.envioId}`, size: 9 },
    { text: `Id en la plataforma: ${d.messageDataId ?? '(sin id: no aceptado)'}`, size: 10 },
    {
      text: `Tipo: ${d.messageType}${d.procedureCode ? `   Procedimiento: ${d.procedureCode} etapa ${d.procedureStage ?? '-'}` : ''}`,
      size: 10,
    },
    { text: `Asunto: ${clip(d.subject, 80)}`, size: 10 },
    { text: `SHA-256 del contenido: ${crypto.createHash('sha256').update(d.content, 'utf8').digest('hex')}`, size: 8 },
    { text: `Estado: ${delivery ? deliveryText[delivery] : d.state}   Enviado: ${d.sentAt ?? '-'}`, size: 10 },
    { text: '', size: 8 },
    { text: `Adjuntos (${attachments.length}):`, size: 11 },
    ...attachments.flatMap((a) => [
      { text: `  ${clip(a.name, 60)}  ${a.size} bytes  firma: ${a.verdict}`, size: 9 },
      { text: `    SHA-256 ${a.sha256}`, size: 8 },
    ]),
    { text: '', size: 8 },
    { text: `Destinatarios (${d.recipients.length}): DDU, estado, entregado, notificado el`, size: 11 },
    ...d.recipients.map((r) => ({
      text: `  ${clip(r.label, 40)}  ${r.dduType ?? '-'}  ${r.status ?? '-'}  ${r.deliveredAt ?? '-'}  ${
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
export function buildConstanciaPdf(lines: readonly { text: string; size: number }[]): Buffer {
  const pages: (typeof lines)[] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_PAGE) pages.push(lines.slice(i, i + LINES_PER_PAGE));
  if (pages.length === 0) pages.push([]);
  // Objects: 1 catalog, 2 pages, 3 font, 4 info, then per page: page, content.
  const objects: (string | Buffer)[] = [];
  const kids = pages.map((_, i) => `${5 + i * 2} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  objects.push(`<< /Producer ${pdfString('Casilla Desktop')} /Title ${pdfString('Constancia de envío')} >>`);
  for (const [i, page] of pages.entries()) {
    let content = 'BT\n50 800 Td\n';
    for (const [k, line] of page.entries()) {
      if (k > 0) content += `0 -${Math.round(line.size * 1.6)} Td\n`;
      content += `/F1 ${line.size} Tf\n${pdfString(line.text)} Tj\n`;
    }
    content += 'ET\n';
    const bytes = Buffer.from(content, 'latin1');
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${6 + i * 2} 0 R >>`,
    );
    objects.push(
      Buffer.concat([Buffer.from(`<< /Length ${bytes.length} >>\nstream\n`, 'latin1'), bytes, Buffer.from('\nendstream', 'latin1')]),
    );
  }
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(chunk);
    offset += chunk.length;
  });
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
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
