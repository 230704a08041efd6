import { collect, parseRecipient, type RecipientParse, type RecipientRules } from './recipients';

/** Largest CSV accepted (about 1 million recipients: far above any real list). */
export const MAX_CSV_BYTES = 32 * 1024 * 1024;

const ID_HEADERS = /^(run|rut|dni|ruc|rol_?unico|documento|identificador|id)$/i;
const NAME_HEADERS = /^(nombre|nombres|name|razon_?social|destinatario)$/i;

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), otherwise Latin-1 (Excel's default in our region). */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'latin1' } {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return { text: text.replace(/^\uFEFF/, ''), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
  }
}

/** Splits CSV text into rows of cells; quotes ("a;b", "say ""hi""") are honoured, line numbers kept. */
export function splitCsv(text: string, delimiter: ',' | ';'): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell.trim() === '') {
      quoted = true;
      cell = '';
    } else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line++;
      rowLine = line;
    } else cell += c;
  }
  if (cell !== '' || cells.length) {
    cells.push(cell);
    rows.push({ line: rowLine, cells });
  }
  return rows.filter((r) => r.cells.some((c) => c.trim() !== ''));
}

/** `;` when the first line has more semicolons than commas (the usual export of Spanish-locale spreadsheets). */
export function detectDelimiter(text: string): ',' | ';' {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  return (first.match(/;/g)?.length ?? 0) > (first.match(/,/g)?.length ?? 0) ? ';' : ',';
}

export type CsvImport = RecipientParse & { encoding: 'utf-8' | 'latin1'; delimiter: ',' | ';'; header: boolean; rows: number };

/**
 * Imports recipients from a CSV: with or without a header; the identifier is the column named like
 * RUN/RUT/DNI/RUC (or the first column), the name the column named like "nombre" (optional). Every row is
 * checked; errors come back with their line, valid rows are kept, duplicates merged.
 */
export function importRecipientsCsv(bytes: Uint8Array, rules?: RecipientRules): CsvImport {
  if (bytes.length > MAX_CSV_BYTES) throw new RangeError('CSV demasiado grande');
  const { text, encoding } = decodeCsv(bytes);
  const delimiter = detectDelimiter(text);
  const rows = splitCsv(text, delimiter);
  let idCol = 0;
  let nameCol = -1;
  let header = false;
  const first = rows[0];
  if (first && isProblemCell(first.cells[0] ?? '') && first.cells.some((c) => ID_HEADERS.test(c.trim()) || NAME_HEADERS.test(c.trim()))) {
    header = true;
    const idIdx = first.cells.findIndex((c) => ID_HEADERS.test(c.trim()));
    idCol = idIdx >= 0 ? idIdx : 0;
    nameCol = first.cells.findIndex((c) => NAME_HEADERS.test(c.trim()));
  } else if (first && first.cells.length > 1 && !isProblemCell(first.cells[0] ?? '')) {
    // No header: a second text column is taken as the name.
    nameCol = 1;
  }
  const body = header ? rows.slice(1) : rows;
  const results = body.map((r) => {
    const name = nameCol >= 0 ? r.cells[nameCol]?.trim() : undefined;
    return parseRecipient(r.cells[idCol] ?? '', r.line, name || undefined, rules);
  });
  return { ...collect(results), encoding, delimiter, header, rows: body.length };
}

function isProblemCell(cell: string): boolean {
  return 'code' in parseRecipient(cell);
}
