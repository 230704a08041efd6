/**
 * The delivery receipt ("comprobante de envío") as a small, real, one-page PDF, written by the same text-PDF
 * writer as the constancia de envío (`core/evidence/text-pdf.ts`).
 */
import { buildTextPdf, clipText } from '../core/evidence/text-pdf';

export type ReceiptFields = {
  institution: string;
  messageId: string;
  run: string;
  subject: string;
  dduType: string;
  status: string;
  receivedAt: string;
  deliveredAt: string | null;
  readAt: string | null;
  generatedAt: string;
};

export function buildReceiptPdf(f: ReceiptFields): Buffer {
  const lines: Array<[string, number]> = [
    ['Comprobante de envío', 18],
    ['Plataforma de Notificaciones (sandbox de Casilla Desktop)', 10],
    ['', 10],
    [`Institución: ${clipText(f.institution, 70)}`, 11],
    [`Mensaje: ${f.messageId}`, 11],
    [`Destinatario (RUN): ${f.run}`, 11],
    [`Asunto: ${clipText(f.subject, 75)}`, 11],
    [`Tipo de DDU: ${f.dduType}`, 11],
    [`Estado: ${f.status}`, 11],
    [`Recibido: ${f.receivedAt}`, 11],
    [`Entregado: ${f.deliveredAt ?? '-'}`, 11],
    [`Leído: ${f.readAt ?? '-'}`, 11],
    ['', 10],
    [`Emitido: ${f.generatedAt}`, 9],
  ];
  return buildTextPdf(
    lines.map(([text, size]) => ({ text, size })),
    { title: 'Comprobante de envío', producer: 'Casilla Desktop sandbox', left: 56, top: 780, leading: 1.8, linesPerPage: 48 },
  );
}
