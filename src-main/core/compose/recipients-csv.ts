/**
 * Recipients from a CSV, streamed: the file is read in 1 MiB chunks, decoded (UTF-8, Latin-1, UTF-16 LE/BE, with
 * or without BOM), split into rows by a small state machine and parsed row by row, so a million rows take
 * memory for the recipients only, never for the file's text or a row list, and nothing recurses or spreads
 * arguments per row (the old importer overflowed the stack near 125,000 rows).
 */
import fs from 'node:fs';
import { AppError } from '../../api/result';
import { isProblem, parseRecipient, type Recipient, type RecipientParse, type RecipientProblem, type RecipientRules } from './recipients';

/** Largest CSV accepted: 128 MiB (about three million rows of id and name; far above any real list). */
export const MAX_CSV_BYTES = 128 * 1024 * 1024;
/** Problems kept with their line (the count is always exact): enough to fix a file, bounded for a broken one. */
export const MAX_PROBLEMS_KEPT = 1000;
const CHUNK = 1024 * 1024;
/** One cell longer than this is not an identifier or a name: the row is refused rather than buffered forever. */
const MAX_CELL = 4096;

const ID_HEADERS = /^(run|rut|dni|ruc|ce|rol_?unico|documento|identificador|id)$/i;
const NAME_HEADERS = /^(nombre|nombres|name|razon_?social|destinatario)$/i;

export type CsvEncoding = 'utf-8' | 'latin1' | 'utf-16le' | 'utf-16be';

/** The encoding a file's first bytes announce: a BOM, or UTF-16's zero bytes; otherwise UTF-8 is tried first. */
export function sniffEncoding(head: Uint8Array): { encoding: CsvEncoding | null; bom: number } {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // "Unicode text" without BOM: ASCII digits and separators leave a zero byte in every other position.
  const n = Math.min(head.length, 4096) & ~1;
  if (n >= 4) {
    let evenZero = 0;
    let oddZero = 0;
    for (let i = 0; i < n; i += 2) {
      if (head[i] === 0) evenZero++;
      if (head[i + 1] === 0) oddZero++;
    }
    const pairs = n / 2;
    if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return { encoding: 'utf-16le', bom: 0 };
    if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return { encoding: 'utf-16be', bom: 0 };
  }
  return { encoding: null, bom: 0 };
}

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), UTF-16 when announced, otherwise Latin-1. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  const { encoding, bom } = sniffEncoding(bytes);
  if (encoding && encoding !== 'utf-8') return { text: new TextDecoder(encoding).decode(bytes.subarray(bom)), encoding };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(bom)), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('latin1').decode(bytes), encoding: 'latin1' };
  }
}

type Row = { line: number; cells: string[] };

/** CSV rows from text fed in pieces: quotes ("a;b", "say ""hi""", line breaks inside quotes) and \r\n across pieces. */
class CsvRowSplitter {
  private cells: string[] = [];
  private cell = '';
  private quoted = false;
  private quoteSeen = false;
  private pendingCr = false;
  private line = 1;
  private rowLine = 1;
  private tooLong = false;
  private readonly delimiterCode: number;
  constructor(
    private readonly delimiter: ',' | ';' | '\t',
    private readonly emit: (row: Row) => void,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  feed(text: string): void {
    let i = 0;
    const n = text.length;
    while (i < n) {
      if (this.pendingCr) {
        this.pendingCr = false;
        if (text[i] === '\n') {
          i++;
          continue;
        }
      }
      if (this.quoted) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (text[i] === '"') {
            this.add('"');
            i++;
            continue;
          }
          this.quoted = false;
          continue; // the character after a closing quote is read unquoted
        }
        // Everything up to the next quote is the cell's text (line breaks counted).
        const q = text.indexOf('"', i);
        const piece = text.slice(i, q === -1 ? n : q);
        for (let k = piece.indexOf('\n'); k !== -1; k = piece.indexOf('\n', k + 1)) this.line++;
        this.add(piece);
        if (q === -1) return;
        this.quoteSeen = true;
        i = q + 1;
        continue;
      }
      // Unquoted: jump to the next delimiter, quote or line break.
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === this.delimiterCode || c === 0x22 || c === 0x0a || c === 0x0d) break;
        j++;
      }
      if (j > i) this.add(text.slice(i, j));
      if (j === n) return;
      const c = text[j]!;
      i = j + 1;
      if (c === '"') {
        if (this.cell.trim() === '') {
          this.quoted = true;
          this.cell = '';
        } else this.add(c);
      } else if (c === this.delimiter) {
        this.cells.push(this.cell);
        this.cell = '';
      } else {
        if (c === '\r') this.pendingCr = true;
        this.endRow();
        this.line++;
        this.rowLine = this.line;
      }
    }
  }

  end(): void {
    if (this.cell !== '' || this.cells.length) this.endRow();
  }

  private add(text: string): void {
    if (this.cell.length + text.length <= MAX_CELL) this.cell += text;
    else {
      this.cell = (this.cell + text).slice(0, MAX_CELL);
      this.tooLong = true;
    }
  }

  private endRow(): void {
    this.cells.push(this.cell);
    const row = { line: this.rowLine, cells: this.tooLong ? this.cells.map((x) => x.slice(0, 64)) : this.cells };
    this.cells = [];
    this.cell = '';
    this.quoted = false;
    this.quoteSeen = false;
    this.tooLong = false;
    if (row.cells.some((x) => x.trim() !== '')) this.emit(row);
  }
}

/** Splits CSV text into rows of cells (the whole text at once; the importer streams instead). */
export function splitCsv(text: string, delimiter: ',' | ';'): { line: number; cells: string[] }[] {
  const rows: Row[] = [];
  const s = new CsvRowSplitter(delimiter, (r) => rows.push(r));
  s.feed(text);
  s.end();
  return rows;
}

/** `;` or a tab when the first line has more of them than commas (Spanish-locale spreadsheets, "Unicode text"). */
export function detectDelimiter(text: string): ',' | ';' {
  const d = detectAnyDelimiter(text);
  return d === '\t' ? ';' : d;
}

function detectAnyDelimiter(firstLine: string): ',' | ';' | '\t' {
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const semi = count(';');
  const comma = count(',');
  const tab = count('\t');
  if (tab > semi && tab > comma) return '\t';
  return semi > comma ? ';' : ',';
}

export type CsvImport = RecipientParse & {
  encoding: CsvEncoding;
  delimiter: string;
  header: boolean;
  rows: number;
  /** Every problem counted; only the first MAX_PROBLEMS_KEPT are in `problems`. */
  problemCount: number;
};

/** Rows to recipients: header detection on the first row, then one parse per row, duplicates merged as they come. */
class RecipientRows {
  private first = true;
  private idCol = 0;
  private nameCol = -1;
  header = false;
  rows = 0;
  private readonly seen = new Map<number, Recipient>();
  readonly problems: RecipientProblem[] = [];
  problemCount = 0;
  duplicates = 0;
  constructor(private readonly rules: RecipientRules | undefined) {}

  row(r: Row): void {
    if (this.first) {
      this.first = false;
      const c0 = r.cells[0] ?? '';
      if (isProblem(parseRecipient(c0)) && r.cells.some((c) => ID_HEADERS.test(c.trim()) || NAME_HEADERS.test(c.trim()))) {
        this.header = true;
        const idIdx = r.cells.findIndex((c) => ID_HEADERS.test(c.trim()));
        this.idCol = idIdx >= 0 ? idIdx : 0;
        this.nameCol = r.cells.findIndex((c) => NAME_HEADERS.test(c.trim()));
        return;
      }
      // No header: a second text column is taken as the name.
      if (r.cells.length > 1 && !isProblem(parseRecipient(c0))) this.nameCol = 1;
    }
    this.rows++;
    const name = this.nameCol >= 0 ? r.cells[this.nameCol]?.trim() : undefined;
    const parsed = parseRecipient(r.cells[this.idCol] ?? '', r.line, name || undefined, this.rules);
    if (isProblem(parsed)) {
      this.problemCount++;
      if (this.problems.length < MAX_PROBLEMS_KEPT) this.problems.push(parsed);
    } else if (this.seen.has(parsed.rolUnico)) this.duplicates++;
    else this.seen.set(parsed.rolUnico, parsed);
  }

  result(encoding: CsvEncoding, delimiter: string): CsvImport {
    return {
      recipients: [...this.seen.values()],
      problems: this.problems,
      problemCount: this.problemCount,
      duplicates: this.duplicates,
      encoding,
      delimiter,
      header: this.header,
      rows: this.rows,
    };
  }
}

/** Feeds decoded text to the splitter once the first line (and so the delimiter) is known. */
class CsvTextSink {
  private pending = '';
  private splitter: CsvRowSplitter | null = null;
  delimiter: ',' | ';' | '\t' = ',';
  constructor(private readonly rows: RecipientRows) {}
  feed(text: string): void {
    if (this.splitter) return this.splitter.feed(text);
    this.pending += text;
    const nl = this.pending.search(/[\r\n]/);
    if (nl === -1 && this.pending.length < 64 * 1024) return;
    this.start(this.pending.slice(0, nl === -1 ? this.pending.length : nl));
  }
  end(): void {
    if (!this.splitter) this.start(this.pending);
    this.splitter!.end();
  }
  private start(firstLine: string): void {
    this.delimiter = detectAnyDelimiter(firstLine);
    this.splitter = new CsvRowSplitter(this.delimiter, (r) => this.rows.row(r));
    const text = this.pending;
    this.pending = '';
    this.splitter.feed(text);
  }
}

/**
 * Imports recipients from CSV bytes already in memory (small files, tests): the same parser as the file import.
 * With or without a header; the identifier is the column named like RUN/RUT/DNI/RUC (or the first), the name the
 * column named like "nombre" (optional). Errors come back with their line, valid rows are kept, duplicates merged.
 */
export function importRecipientsCsv(bytes: Uint8Array, rules?: RecipientRules): CsvImport {
  if (bytes.length > MAX_CSV_BYTES) throw tooLarge(bytes.length);
  const { text, encoding } = decodeCsv(bytes);
  const rows = new RecipientRows(rules);
  const sink = new CsvTextSink(rows);
  sink.feed(text);
  sink.end();
  return rows.result(encoding, sink.delimiter);
}

function tooLarge(size: number): AppError {
  return new AppError(
    'CSV_TOO_LARGE',
    `El archivo CSV pesa ${(size / (1024 * 1024)).toFixed(1)} MB y el máximo es ${MAX_CSV_BYTES / (1024 * 1024)} MB; divídalo en varios archivos.`,
    { size, max: MAX_CSV_BYTES },
  );
}

/**
 * Imports recipients from a CSV file, streamed in 1 MiB chunks (see the file comment). Refuses a file above
 * MAX_CSV_BYTES before reading it, with its size in the message. Encoding: a BOM or UTF-16's zero bytes decide;
 * otherwise UTF-8, and if a byte sequence is not UTF-8 the file is read again as Latin-1 (Excel's default here).
 */
export async function importRecipientsCsvFile(file: string, rules?: RecipientRules): Promise<CsvImport> {
  let size: number;
  try {
    size = (await fs.promises.stat(file)).size;
  } catch (err) {
    throw new AppError('CSV_UNREADABLE', 'No se pudo leer el archivo CSV.', { path: file }, { cause: err });
  }
  if (size > MAX_CSV_BYTES) throw tooLarge(size);
  const head = Buffer.alloc(Math.min(size, 4096));
  const fh = await fs.promises.open(file, 'r');
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const sniff = sniffEncoding(head);
  if (sniff.encoding) return readAs(file, rules, sniff.encoding, sniff.bom, false);
  try {
    return await readAs(file, rules, 'utf-8', 0, true);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    // Not UTF-8 somewhere in the file: start again as Latin-1 (every byte is a character there).
    return readAs(file, rules, 'latin1', 0, false);
  }
}

async function readAs(
  file: string,
  rules: RecipientRules | undefined,
  encoding: CsvEncoding,
  skip: number,
  fatal: boolean,
): Promise<CsvImport> {
  const decoder = new TextDecoder(encoding, { fatal });
  const rows = new RecipientRows(rules);
  const sink = new CsvTextSink(rows);
  const stream = fs.createReadStream(file, { start: skip, highWaterMark: CHUNK });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) sink.feed(decoder.decode(chunk, { stream: true }));
    sink.feed(decoder.decode());
  } catch (err) {
    if (err instanceof TypeError) throw err;
    throw new AppError('CSV_UNREADABLE', 'No se pudo leer el archivo CSV.', { path: file }, { cause: err });
  } finally {
    stream.destroy();
  }
  sink.end();
  return rows.result(encoding, sink.delimiter);
}
