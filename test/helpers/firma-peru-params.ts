import fs from 'node:fs';

/**
 * Writes a Firma Perú parameter file as its desktop client reads them (string numbers, the `bachtOperation` key as
 * spelled there): style 1, page 1, 300 pt from the left, 400 pt from the top, V°B°-style reason and role, the
 * stamp image `sello.png` beside it; `extra` replaces or adds keys. Returns `file`.
 */
export function writeFirmaPeruParams(file: string, extra: Record<string, unknown> = {}): string {
  fs.writeFileSync(
    file,
    JSON.stringify({
      signatureFormat: 'PAdES',
      signatureLevel: 'B',
      signatureStyle: '1',
      stampPage: '1',
      positionx: '300',
      positiony: '400',
      signatureReason: 'Doy conformidad al informe',
      role: 'Jefe de Logística',
      stampTextSize: '8',
      stampWordWrap: '40',
      imageToStamp: 'sello.png',
      webTsa: '',
      certificateFilter: '.*',
      visiblePosition: false,
      bachtOperation: false,
      oneByOne: true,
      ...extra,
    }),
  );
  return file;
}
