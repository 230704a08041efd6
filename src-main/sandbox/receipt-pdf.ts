/**
 * The delivery receipt ("comprobante de envío") as a small, real, one-page PDF written by hand: a catalog, a
 * page, a Helvetica font in WinAnsi (so Spanish accents print) and a content stream, with an exact xref
 * table so `qpdf --check` accepts it and a signer can append an incremental update to it.
 */
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

/** Latin-1 bytes for WinAnsi; characters outside it become '?', parentheses and backslashes are escaped. */
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

export function buildReceiptPdf(f: ReceiptFields): Buffer {
  const lines: Array<[string, number]> = [
    ['Comprobante de envío', 18],
    ['Plataforma de Notificaciones (sandbox de Casilla Desktop)', 10],
    ['', 10],
    [`Institución: ${clip(f.institution, 70)}`, 11],
    [`Mensaje: ${f.messageId}`, 11],
    [`Destinatario (RUN): ${f.run}`, 11],
    [`Asunto: ${clip(f.subject, 75)}`, 11],
    [`Tipo de DDU: ${f.dduType}`, 11],
    [`Estado: ${f.status}`, 11],
    [`Recibido: ${f.receivedAt}`, 11],
    [`Entregado: ${f.deliveredAt ?? '-'}`, 11],
    [`Leído: ${f.readAt ?? '-'}`, 11],
    ['', 10],
    [`Emitido: ${f.generatedAt}`, 9],
  ];
  let content = 'BT\n/F1 11 Tf\n56 780 Td\n';
  let first = true;
  for (const [text, size] of lines) {
    if (!first) content += `0 -${Math.round(size * 1.8)} Td\n`;
    content += `/F1 ${size} Tf\n${pdfString(text)} Tj\n`;
    first = false;
  }
  content += 'ET\n';
  const contentBytes = Buffer.from(content, 'latin1');

  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    null, // the content stream, written with its exact length below
    `<< /Producer ${pdfString('Casilla Desktop sandbox')} /Title ${pdfString('Comprobante de envío')} >>`,
  ];
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const chunk =
      body === null
        ? Buffer.concat([
            Buffer.from(`${i + 1} 0 obj\n<< /Length ${contentBytes.length} >>\nstream\n`, 'latin1'),
            contentBytes,
            Buffer.from('endstream\nendobj\n', 'latin1'),
          ])
        : Buffer.from(`${i + 1} 0 obj\n${body}\nendobj\n`, 'latin1');
    parts.push(chunk);
    offset += chunk.length;
  });
  let xref = `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) xref += `${String(o).padStart(10, '0')} 00000 n \n`;
  xref += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n${offset}\n%%EOF\n`;
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}
