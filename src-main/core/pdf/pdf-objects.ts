/**
 * The PDF object model of the reader and writer: only what signing and verification need. Values keep enough
 * of their original form (string bytes, name text) to be written back unchanged in an incremental update.
 */

export class PdfName {
  /** The decoded name without the slash (`#xx` escapes resolved, bytes as latin1). */
  constructor(readonly name: string) {}
}

export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

export class PdfString {
  /** The string's bytes after escape processing (literal) or hex decoding. */
  constructor(readonly bytes: Buffer) {}
  /** Text of a PDF text string: UTF-16BE with BOM, otherwise PDFDocEncoding approximated as latin1. */
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      const swapped = Buffer.from(b.subarray(2));
      swapped.swap16();
      return swapped.toString('utf16le');
    }
    return b.toString('latin1');
  }
}

export class PdfArray {
  constructor(readonly items: PdfValue[]) {}
}

export class PdfDict {
  readonly entries: Map<string, PdfValue>;
  constructor(entries?: Map<string, PdfValue> | Array<[string, PdfValue]>) {
    this.entries = entries instanceof Map ? entries : new Map(entries ?? []);
  }
  get(key: string): PdfValue | undefined {
    return this.entries.get(key);
  }
  has(key: string): boolean {
    return this.entries.has(key);
  }
  /** A shallow copy, for writing a changed version of an object. */
  clone(): PdfDict {
    return new PdfDict(new Map(this.entries));
  }
  set(key: string, value: PdfValue): this {
    this.entries.set(key, value);
    return this;
  }
  nameOf(key: string): string | undefined {
    const v = this.entries.get(key);
    return v instanceof PdfName ? v.name : undefined;
  }
}

/** A stream object: its dictionary and where its raw data starts in the file (or in a decoded buffer). */
export class PdfStream {
  constructor(
    readonly dict: PdfDict,
    /** Absolute file offset of the first data byte. */
    readonly dataOffset: number,
  ) {}
}

/** Raw bytes written verbatim by the serializer (a content stream body, a pre-encoded token). */
export class PdfRaw {
  constructor(readonly bytes: Buffer) {}
}

export type PdfValue = null | boolean | number | PdfName | PdfRef | PdfString | PdfArray | PdfDict | PdfStream | PdfRaw;

export function isDict(v: PdfValue | undefined): v is PdfDict {
  return v instanceof PdfDict;
}
