import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileOutcome, SignatureReport } from '../../src-main/api/verify';
import { displayName, reportTime, writeReportPdf } from '../../src-main/core/verify/report-pdf';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-report-pdf-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const upload = path.join(dir, 'home', 'uploads', '0b8a7a3e-1111-4222-8333-944455556666', 'Resolución 123-2026.pdf');

function signature(over: Partial<SignatureReport>): SignatureReport {
  return {
    kind: 'signature',
    field: 'Firma1',
    page: 1,
    revision: 2,
    signer: { name: 'María Ñúñez Quispe', id: 'DNI 12345678', issuer: 'CA de prueba', serial: '01' },
    claimedTime: '2026-01-15T12:00:00Z',
    timestamp: null,
    intact: true,
    coverage: 'revision',
    modificationsAfter: 'none',
    changes: [],
    trusted: true,
    revocation: { status: 'good', source: 'embedded-ocsp' },
    level: 'PAdES-B-B',
    certificationLevel: null,
    timeSource: 'claimed',
    verdict: 'valid',
    reasons: [],
    notes: [],
    ...over,
  };
}

const outcomes: FileOutcome[] = [
  {
    file: upload,
    report: {
      file: upload,
      verdict: 'invalid',
      revisions: 3,
      signatures: [
        signature({}),
        signature({
          revision: 3,
          verdict: 'invalid',
          modificationsAfter: 'disallowed',
          changes: [
            {
              revision: 3,
              object: '6 0 R',
              allowed: false,
              message: 'Se modificó el contenido de la página 1.',
            },
          ],
          reasons: [{ code: 'MODIFIED', message: 'Hay cambios no permitidos después de la firma.' }],
        }),
      ],
      reasons: [],
    },
  },
  {
    file: path.join(dir, 'sin-firmas.pdf'),
    report: {
      file: 'x',
      verdict: 'indeterminate',
      revisions: 1,
      signatures: [],
      reasons: [{ code: 'NO_SIGNATURES', message: 'El documento no contiene firmas.' }],
    },
  },
  { file: path.join(dir, 'roto.pdf'), error: { code: 'PDF_INVALID', message: 'El archivo no es un PDF válido.' } },
];

describe('the PDF verification report', () => {
  it('dates in the given time zone with the UTC offset', () => {
    expect(reportTime('2026-01-15T12:00:00Z', 'America/Lima')).toBe('15/01/2026 07:00:00 UTC-05:00');
    expect(reportTime('2026-01-15T12:00:00Z', 'America/Santiago')).toBe('15/01/2026 09:00:00 UTC-03:00');
    expect(reportTime('2026-01-15T12:00:00Z', 'UTC')).toBe('15/01/2026 12:00:00 UTC+00:00');
  });
  it('names an upload by the name the user picked, and other files by their own name and folder', () => {
    expect(displayName(upload)).toEqual({ name: 'Resolución 123-2026.pdf', folder: null });
    expect(displayName('/home/ana/docs/informe.pdf')).toEqual({ name: 'informe.pdf', folder: '/home/ana/docs' });
  });
  it('is a clean PDF whose text has the verdicts, the signature table, the changes, local times and no upload path', () => {
    const out = path.join(dir, 'informe.pdf');
    writeReportPdf(outcomes, out, new Date('2026-01-15T15:30:00Z'), { timeZone: 'America/Lima' });
    expect(spawnSync('qpdf', ['--check', out]).status).toBe(0);
    const text = execFileSync('mutool', ['draw', '-F', 'txt', '-o', '-', out], { encoding: 'utf8' });
    expect(text).toContain('Informe de verificación de firmas');
    expect(text).toContain('generado el 15/01/2026 10:30:00 UTC-05:00');
    expect(text).toContain('3 archivos · 1 no válido · 1 indeterminado · 1 ilegible');
    expect(text).toContain('Resolución 123-2026.pdf');
    expect(text).not.toContain('uploads');
    expect(text).not.toContain('0b8a7a3e');
    expect(text).toContain('3 revisiones · 2 firmas');
    expect(text).toContain('1 revisión · 0 firmas');
    expect(text).toContain('María Ñúñez Quispe');
    expect(text).toContain('15/01/2026 07:00:00 UTC-05:00');
    expect(text).toContain('[NO PERMITIDO] Revisión 3, 6 0 R: Se modificó el contenido de la página 1.');
    expect(text).toContain('NO SE PUDO LEER');
    expect(text).toContain('INDETERMINADO');
    expect(text).not.toMatch(/\(s\)/);
  });
});
