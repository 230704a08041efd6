/**
 * Test-only timestamp helpers. `withSignatureTimestamp` puts an RFC 3161 token into a CMS signature as the unsigned attribute
 * id-aa-signatureTimeStampToken, the way a PAdES B-T signer does after signing.
 */
import crypto from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { openPdf } from '../../src-main/core/pdf/pdf-document';

export function withSignatureTimestamp(cmsDer: Uint8Array, tokenDer: Uint8Array): Buffer {
  const ci = new pkijs.ContentInfo({ schema: asn1js.fromBER(cmsDer).result });
  const sd = new pkijs.SignedData({ schema: ci.content });
  const si = sd.signerInfos[0]!;
  const token = asn1js.fromBER(tokenDer).result;
  si.unsignedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 1,
    attributes: [new pkijs.Attribute({ type: '1.2.840.113549.1.9.16.2.14', values: [token] })],
  });
  const out = new pkijs.ContentInfo({ contentType: '1.2.840.113549.1.7.2', content: sd.toSchema(true) });
  return Buffer.from(out.toSchema().toBER(false));
}

/**
 * Test-only: appends a document timestamp (/Type /DocTimeStamp, /SubFilter /ETSI.RFC3161) to a PDF with a
 * classic xref table: writes the update with a zero-filled /Contents hole, hashes the two byte ranges, asks
 * `token(digestHex)` for an RFC 3161 token over them and fills the hole.
 */
export function appendDocumentTimestamp(input: string, output: string, token: (digestHex: string) => Buffer, fieldNum = 90): string {
  const doc = openPdf(input);
  const prev = doc.startxref;
  const rootRef = doc.trailer.get('Root');
  const root = rootRef && typeof rootRef === 'object' && 'num' in rootRef ? rootRef.num : 1;
  const acroRef = doc.catalog().get('AcroForm');
  const acroNum = acroRef && typeof acroRef === 'object' && 'num' in acroRef ? acroRef.num : null;
  const size = Math.max(doc.objectCount, fieldNum + 2);
  const acroText =
    acroNum !== null
      ? doc
          .read(doc.xrefEntry(acroNum)?.kind === 'offset' ? (doc.xrefEntry(acroNum) as { offset: number }).offset : 0, 4096)
          .toString('latin1')
      : '';
  doc.close();
  if (acroNum === null) throw new Error('el PDF de prueba debe tener formulario');
  const acroBody = acroText
    .slice(acroText.indexOf('obj') + 3, acroText.indexOf('endobj'))
    .trim()
    .replace(/\/Fields\s*\[([^\]]*)\]/, `/Fields [$1 ${fieldNum} 0 R]`);
  const original = fs.readFileSync(input);
  const HOLE = 16384;
  const objs: Array<[number, string]> = [
    [
      fieldNum + 1,
      `<< /Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161 /ByteRange [0 AAAAAAAAAA BBBBBBBBBB CCCCCCCCCC] /Contents <${'0'.repeat(HOLE * 2)}> >>`,
    ],
    [fieldNum, `<< /FT /Sig /T (SelloDocumento) /V ${fieldNum + 1} 0 R /Type /Annot /Subtype /Widget /Rect [0 0 0 0] /F 2 >>`],
    [acroNum, acroBody],
  ];
  let text = '';
  const offsets = new Map<number, number>();
  for (const [num, body] of objs) {
    offsets.set(num, original.length + text.length);
    text += `${num} 0 obj\n${body}\nendobj\n`;
  }
  const xrefAt = original.length + text.length;
  text += 'xref\n';
  for (const [num] of [...objs].sort((a, b) => a[0] - b[0])) text += `${num} 1\n${String(offsets.get(num)).padStart(10, '0')} 00000 n \n`;
  text += `trailer\n<< /Size ${size} /Root ${root} 0 R /Prev ${prev} >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  const buf = Buffer.concat([original, Buffer.from(text, 'latin1')]);
  const holeStart = buf.indexOf('/Contents <' + '0'.repeat(16), original.length, 'latin1') + '/Contents '.length;
  const holeEnd = holeStart + HOLE * 2 + 2;
  const pad = (n: number) => String(n).padStart(10, ' ');
  const brAt = buf.indexOf('AAAAAAAAAA', original.length, 'latin1');
  buf.write(`${pad(holeStart)} ${pad(holeEnd)} ${pad(buf.length - holeEnd)}`, brAt, 'latin1');
  const digest = crypto.createHash('sha256').update(buf.subarray(0, holeStart)).update(buf.subarray(holeEnd)).digest('hex');
  const tok = token(digest).toString('hex');
  if (tok.length > HOLE * 2) throw new Error('sello demasiado grande');
  buf.write(tok, holeStart + 1, 'latin1');
  fs.writeFileSync(output, buf);
  return output;
}

/**
 * Test-only: an RFC 3161 TSA over HTTP on 127.0.0.1 whose tokens come from the verifier PKI's TSA certificate
 * (`openssl ts -reply` with that PKI's config), so its revocation can be served by the same OCSP responder.
 */
export async function startPkiTsa(pki: { dir: string }): Promise<{ url: string; close: () => Promise<void> }> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-pki-tsa-'));
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const i = ++n;
      const q = path.join(work, `q${i}.tsq`);
      const r = path.join(work, `r${i}.tsr`);
      fs.writeFileSync(q, Buffer.concat(chunks));
      execFile('openssl', ['ts', '-reply', '-config', path.join(pki.dir, 'pki.cnf'), '-queryfile', q, '-out', r], (err) => {
        if (err) res.writeHead(500).end(String(err));
        else res.writeHead(200, { 'Content-Type': 'application/timestamp-reply' }).end(fs.readFileSync(r));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        fs.rmSync(work, { recursive: true, force: true });
      }),
  };
}
