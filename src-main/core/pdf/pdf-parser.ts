/**
 * Parses PDF values from a byte window. The window may be a slice of a large file: running off its end throws
 * `NeedMoreBytes` so the caller can retry with a larger window (bounded), instead of loading the whole file.
 */
import { PdfArray, PdfDict, PdfName, PdfRef, PdfStream, PdfString, type PdfValue } from './pdf-objects';
import { pdfInvalid, pdfLimit } from './pdf-error';

export class NeedMoreBytes extends Error {}

const MAX_NESTING = 64;

export function isWhite(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
}
function isDelim(c: number | undefined): boolean {
  return (
    c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25
  );
}
function isRegular(c: number | undefined): boolean {
  return c !== undefined && !isWhite(c) && !isDelim(c);
}

export class PdfParser {
  pos: number;
  constructor(
    readonly buf: Buffer,
    /** File offset of buf[0]; stream data offsets are reported in file terms. */
    readonly base: number,
    start = 0,
    /** True when `buf` ends where the file (or decoded stream) ends: running off it is an error, not a retry. */
    readonly complete = false,
  ) {
    this.pos = start;
  }

  private byte(i = this.pos): number {
    const c = this.buf[i];
    if (c === undefined) {
      if (this.complete) throw pdfInvalid('fin inesperado de los datos');
      throw new NeedMoreBytes();
    }
    return c;
  }

  skipSpace(): void {
    for (;;) {
      if (this.pos >= this.buf.length) {
        if (this.complete) return;
        throw new NeedMoreBytes();
      }
      const c = this.buf[this.pos];
      if (isWhite(c)) this.pos++;
      else if (c === 0x25) {
        while (this.pos < this.buf.length && this.buf[this.pos] !== 0x0a && this.buf[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.buf.length;
  }

  /** Reads a keyword or number token (regular characters). */
  token(): string {
    this.skipSpace();
    const start = this.pos;
    while (isRegular(this.byte())) this.pos++;
    return this.buf.toString('latin1', start, this.pos);
  }

  peekToken(): string {
    const save = this.pos;
    try {
      return this.token();
    } finally {
      this.pos = save;
    }
  }

  expectKeyword(word: string): void {
    const t = this.token();
    if (t !== word) throw pdfInvalid(`se esperaba «${word}» y se encontró «${t.slice(0, 20)}»`);
  }

  value(depth = 0): PdfValue {
    if (depth > MAX_NESTING) throw pdfLimit('anidamiento de objetos');
    this.skipSpace();
    const c = this.byte();
    if (c === 0x2f) return this.name();
    if (c === 0x28) return this.literalString();
    if (c === 0x3c) {
      if (this.byte(this.pos + 1) === 0x3c) return this.dict(depth);
      return this.hexString();
    }
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (this.byte() === 0x5d) {
          this.pos++;
          return new PdfArray(items);
        }
        items.push(this.value(depth + 1));
      }
    }
    const t = this.token();
    if (t === '') throw pdfInvalid(`carácter inesperado 0x${c.toString(16)}`);
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (t === 'null') return null;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(t)) {
      // "n g R" is a reference: look ahead without consuming when it is not.
      if (/^\d+$/.test(t)) {
        const save = this.pos;
        const g = this.tryToken();
        if (g !== null && /^\d+$/.test(g)) {
          const r = this.tryToken();
          if (r === 'R') return new PdfRef(Number(t), Number(g));
        }
        this.pos = save;
      }
      return Number(t);
    }
    throw pdfInvalid(`símbolo inesperado «${t.slice(0, 20)}»`);
  }

  /** Like token(), but returns null at a delimiter or the end of a complete buffer. */
  private tryToken(): string | null {
    this.skipSpace();
    if (this.pos >= this.buf.length) return null;
    if (!isRegular(this.byte())) return null;
    return this.token();
  }

  private dict(depth: number): PdfDict {
    this.pos += 2;
    const d = new PdfDict();
    for (;;) {
      this.skipSpace();
      const c = this.byte();
      if (c === 0x3e) {
        if (this.byte(this.pos + 1) !== 0x3e) throw pdfInvalid('diccionario mal cerrado');
        this.pos += 2;
        return d;
      }
      if (c !== 0x2f) throw pdfInvalid('clave de diccionario inválida');
      const key = this.name().name;
      d.set(key, this.value(depth + 1));
    }
  }

  private name(): PdfName {
    this.pos++; // the slash
    const parts: number[] = [];
    for (;;) {
      const c = this.buf[this.pos];
      if (c === undefined) {
        if (this.complete) break;
        throw new NeedMoreBytes();
      }
      if (!isRegular(c)) break;
      if (c === 0x23) {
        const hex = this.buf.toString('latin1', this.pos + 1, this.pos + 3);
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          parts.push(parseInt(hex, 16));
          this.pos += 3;
          continue;
        }
      }
      parts.push(c);
      this.pos++;
    }
    return new PdfName(Buffer.from(parts).toString('latin1'));
  }

  private hexString(): PdfString {
    this.pos++;
    const start = this.pos;
    while (this.byte() !== 0x3e) this.pos++;
    const hex = this.buf.toString('latin1', start, this.pos).replace(/[^0-9a-fA-F]/g, '');
    this.pos++;
    return new PdfString(Buffer.from(hex.length % 2 ? hex + '0' : hex, 'hex'));
  }

  private literalString(): PdfString {
    this.pos++;
    const out: number[] = [];
    let nest = 1;
    for (;;) {
      const c = this.byte();
      this.pos++;
      if (c === 0x5c) {
        const e = this.byte();
        this.pos++;
        const simple: Record<number, number> = {
          0x6e: 0x0a,
          0x72: 0x0d,
          0x74: 0x09,
          0x62: 0x08,
          0x66: 0x0c,
          0x28: 0x28,
          0x29: 0x29,
          0x5c: 0x5c,
        };
        if (simple[e] !== undefined) out.push(simple[e]);
        else if (e >= 0x30 && e <= 0x37) {
          let v = e - 0x30;
          for (let k = 0; k < 2; k++) {
            const d = this.byte();
            if (d < 0x30 || d > 0x37) break;
            v = v * 8 + (d - 0x30);
            this.pos++;
          }
          out.push(v & 0xff);
        } else if (e === 0x0d) {
          if (this.byte() === 0x0a) this.pos++;
        } else if (e !== 0x0a) out.push(e);
      } else if (c === 0x28) {
        nest++;
        out.push(c);
      } else if (c === 0x29) {
        if (--nest === 0) return new PdfString(Buffer.from(out));
        out.push(c);
      } else out.push(c);
    }
  }

  /**
   * Parses `num gen obj <value> endobj` or a stream header. For a stream, returns the dictionary and the file
   * offset where its data starts; the data itself is not read here.
   */
  indirectObject(): { num: number; gen: number; value: PdfValue } {
    const num = Number(this.token());
    const gen = Number(this.token());
    if (!Number.isInteger(num) || !Number.isInteger(gen)) throw pdfInvalid('objeto sin número');
    this.expectKeyword('obj');
    const value = this.value();
    this.skipSpace();
    if (value instanceof PdfDict && this.peekToken() === 'stream') {
      this.token();
      // The keyword is followed by CRLF or LF (some writers put a lone CR).
      if (this.byte() === 0x0d) this.pos++;
      if (this.byte() === 0x0a) this.pos++;
      return { num, gen, value: new PdfStream(value, this.base + this.pos) };
    }
    return { num, gen, value };
  }
}
