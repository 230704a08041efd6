import { describe, expect, it } from 'vitest';
import { CASILLA_ERROR_TABLE, casillaErrorText, firstByTableOrder } from '../../src-main/core/casilla/errors';
import { detectAttachmentKind } from '../../src-main/core/casilla/file-type';
import { checkSendMessage, parseDataPart, type AttachmentInput, type InstitutionProfile } from '../../src-main/core/casilla/rules';
import { docBytes, docxBytes, jpgBytes, pdfBytes, pngBytes, xlsBytes, xlsxBytes } from '../helpers/sandbox-files';

const SIG = '6f1c2b3a-1d2e-4f50-8a9b-0c1d2e3f4a5b';
const institution: InstitutionProfile = {
  logoConfigured: true,
  enabledMessageTypes: ['NT', 'CP', 'CI'],
  procedures: [{ code: 'PA-001', stage: 1 }],
  signatureUids: [SIG],
};

const valid = (): Record<string, unknown> => ({
  recipients: [{ rol_unico: 33333333 }],
  message_type: 'CP',
  subject: 'Citación',
  content: '<p>Ver <a href="https://example.cl/doc" target="_blank">documento</a></p>',
  content_type: 'text/html',
});

function codeOf(data: Record<string, unknown>, attachments: AttachmentInput[] = [], inst = institution): string | null {
  const r = checkSendMessage(data, attachments, inst);
  return r.ok ? null : r.code;
}

const MB = 1024 * 1024;

describe('file type detection', () => {
  it('recognises every accepted type by its magic bytes', () => {
    expect(detectAttachmentKind(pdfBytes())).toBe('pdf');
    expect(detectAttachmentKind(pngBytes())).toBe('png');
    expect(detectAttachmentKind(jpgBytes())).toBe('jpg');
    expect(detectAttachmentKind(docBytes())).toBe('doc');
    expect(detectAttachmentKind(xlsBytes())).toBe('xls');
    expect(detectAttachmentKind(docxBytes())).toBe('docx');
    expect(detectAttachmentKind(xlsxBytes())).toBe('xlsx');
    expect(detectAttachmentKind(Buffer.from('hola, esto es texto'))).toBeNull();
    expect(detectAttachmentKind(Buffer.from([0x50, 0x4b, 0x03, 0x04]))).toBeNull();
  });
});

describe('sendMessage rules', () => {
  it('accepts a valid message with every attachment type and normalises its data', () => {
    const atts = [
      { name: 'resolucion 12.pdf', bytes: pdfBytes() },
      { name: 'foto-1.png', bytes: pngBytes() },
      { name: 'foto_2.JPG', bytes: jpgBytes() },
      { name: 'acta.doc', bytes: docBytes() },
      { name: 'acta.docx', bytes: docxBytes() },
      { name: 'tabla.xls', bytes: xlsBytes() },
      { name: 'tabla.xlsx', bytes: xlsxBytes() },
    ];
    const r = checkSendMessage(
      { ...valid(), recipients: [{ rol_unico: '33333351' }], signature_uid: SIG.toUpperCase() },
      atts,
      institution,
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.data.recipients).toEqual([{ rol_unico: 33333351 }]);
      expect(r.data.signature_uid).toBe(SIG);
      expect(r.kinds).toEqual(['pdf', 'png', 'jpg', 'doc', 'docx', 'xls', 'xlsx']);
    }
  });

  it('has the official text for every code', () => {
    for (const [code, text] of CASILLA_ERROR_TABLE) expect(casillaErrorText(code)).toBe(text);
    expect(casillaErrorText('ERR008')).toBe('Debe configurar el logo de su institución');
  });

  it.each([
    ['ERR001', { recipients: [] }],
    ['ERR001', { recipients: undefined }],
    ['ERR002', { recipients: [{ run: 1 }] }],
    ['ERR002', { recipients: [{ rol_unico: 1, x: 2 }] }],
    ['ERR002', { recipients: [{ rol_unico: 5 }, { rol_unico: 5 }] }],
    ['ERR003', { recipients: [{ rol_unico: 0 }] }],
    ['ERR003', { recipients: [{ rol_unico: 100_000_000 }] }],
    ['ERR003', { recipients: [{ rol_unico: '12a' }] }],
    ['ERR004', { message_type: undefined }],
    ['ERR005', { message_type: 'XX' }],
    ['ERR006', { message_type: 'NT' }],
    ['ERR006', { message_type: 'NT', procedure_code: 'PA-001' }],
    ['ERR007', { message_type: 'NT', procedure_code: 'PA-999', procedure_stage: 1 }],
    ['ERR007', { message_type: 'NT', procedure_code: 'PA-001', procedure_stage: 4 }],
    ['ERR020', { signature_uid: '6f1c2b3a-1d2e-4f50-8a9b-000000000000' }],
    ['ERR026', { subject: 'a'.repeat(151) }],
    ['ERR027', { subject: '  ' }],
    ['ERR028', { content: '<a href="https//mal">x</a>' }],
    ['ERR028', { content: "<a href='javascript:alert(1)'>x</a>" }],
    ['ERR029', { content: '' }],
    ['ERR029', { content_type: 'html' }],
    ['ERR030', { recipients: Array.from({ length: 251 }, (_, i) => ({ rol_unico: i + 1 })) }],
    ['ERR034', { webhook_url: 'ftp://x' }],
    ['ERR034', { webhook_url: 'no es url' }],
  ])('data problem %s (%j)', (code, patch) => {
    expect(codeOf({ ...valid(), ...patch })).toBe(code);
  });

  it('accepts NT with an enabled procedure, and a subject of exactly 150 characters', () => {
    expect(codeOf({ ...valid(), message_type: 'NT', procedure_code: 'PA-001', procedure_stage: '1' })).toBeNull();
    expect(codeOf({ ...valid(), subject: 'ñ'.repeat(150) })).toBeNull();
  });

  it('ERR005 also when the type is not enabled for the institution; ERR008 without logo', () => {
    expect(codeOf(valid(), [], { ...institution, enabledMessageTypes: ['NT'] })).toBe('ERR005');
    expect(codeOf(valid(), [], { ...institution, logoConfigured: false })).toBe('ERR008');
  });

  it.each([
    ['ERR013', [{ name: 'nota.txt', bytes: pdfBytes() }]],
    ['ERR013', [{ name: 'sin extension', bytes: pdfBytes() }]],
    ['ERR014', [{ name: 'a'.repeat(47) + '.pdf', bytes: pdfBytes() }]],
    [
      'ERR015',
      [
        { name: 'a.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(11 * MB)]) },
        { name: 'b.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(10 * MB)]) },
      ],
    ],
    [
      'ERR016',
      [
        { name: 'a.pdf', bytes: pdfBytes() },
        { name: 'A.pdf', bytes: pdfBytes() },
      ],
    ],
    ['ERR017', [{ name: 'a.pdf', bytes: Buffer.from('no soy un pdf') }]],
    ['ERR017', [{ name: 'a.pdf', bytes: Buffer.alloc(0) }]],
    ['ERR018', [{ name: 'a.pdf', bytes: pngBytes() }]],
    ['ERR018', [{ name: 'a.xlsx', bytes: docxBytes() }]],
    ['ERR018', [{ name: 'a.doc', bytes: xlsBytes() }]],
    ['ERR019', [{ name: 'a.pdf', bytes: Buffer.concat([pdfBytes(), Buffer.alloc(20 * MB)]) }]],
    ['ERR032', Array.from({ length: 51 }, (_, i) => ({ name: `f${i}.png`, bytes: pngBytes() }))],
    ['ERR033', [{ name: 'año.pdf', bytes: pdfBytes() }]],
    ['ERR033', [{ name: '-a.pdf', bytes: pdfBytes() }]],
    ['ERR033', [{ name: 'a  b.pdf', bytes: pdfBytes() }]],
    ['ERR033', [{ name: 'a_.pdf', bytes: pdfBytes() }]],
    ['ERR033', [{ name: 'a.b.pdf', bytes: pdfBytes() }]],
  ])('attachment problem %s', (code, atts) => {
    expect(codeOf(valid(), atts as AttachmentInput[])).toBe(code);
  });

  it('reports the first problem by table order, and lists all of them', () => {
    const r = checkSendMessage(
      { ...valid(), subject: '', message_type: 'XX', webhook_url: 'x' },
      [{ name: 'ñ.txt', bytes: Buffer.from('x') }],
      { ...institution, logoConfigured: false },
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('ERR005');
      expect(r.all).toEqual(['ERR005', 'ERR008', 'ERR013', 'ERR017', 'ERR027', 'ERR033', 'ERR034']);
    }
    expect(firstByTableOrder(['ERR034', 'ERR013', 'ERR008'])).toBe('ERR008');
    expect(firstByTableOrder([])).toBeNull();
  });

  it('treats a missing or non-object data part as empty', () => {
    expect(parseDataPart(undefined)).toEqual({});
    expect(parseDataPart('{no json')).toEqual({});
    expect(parseDataPart('[1]')).toEqual({});
    expect(codeOf(parseDataPart('null'))).toBe('ERR001');
  });
});

describe('the name the platform accepts', () => {
  it('transliterates accents and ñ, replaces forbidden characters, trims and fits 50 characters', async () => {
    const { platformFileName, isAllowedFileBaseName, splitFileName } = await import('../../src-main/core/casilla/rules');
    expect(platformFileName('resolución firmada.pdf')).toBe('resolucion firmada.pdf');
    expect(platformFileName('Año 2026 — Ñuñoa (copia).PDF')).toBe('Ano 2026 Nunoa copia.pdf');
    expect(platformFileName('  --acta__final--.JPEG')).toBe('acta_final.jpg');
    expect(platformFileName('informe.exe')).toBeNull();
    expect(platformFileName('sin extension')).toBeNull();
    expect(platformFileName('¿¿¿.pdf')).toBeNull();
    const long = platformFileName(`${'notificación '.repeat(10)}.docx`)!;
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long.endsWith('.docx')).toBe(true);
    for (const n of ['resolución firmada.pdf', 'Año 2026 — Ñuñoa (copia).PDF', `${'x y '.repeat(40)}.pdf`, 'a..b.pdf']) {
      const out = platformFileName(n)!;
      expect(isAllowedFileBaseName(splitFileName(out).base), out).toBe(true);
      expect(platformFileName(out)).toBe(out);
    }
  });
});
