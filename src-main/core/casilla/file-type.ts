/**
 * Tells the real type of an attachment from its bytes (magic numbers), so a renamed file is caught before
 * the platform rejects it. Only the types the casilla accepts are recognised; anything else is `null`.
 */
export type AttachmentKind = 'pdf' | 'jpg' | 'png' | 'doc' | 'xls' | 'docx' | 'xlsx';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_LOCAL_HEADER = [0x50, 0x4b, 0x03, 0x04];
// A PDF header may follow some junk bytes; readers (and the platform) look within the first kilobyte.
const PDF_HEADER_WINDOW = 1024;
// Bounds the zip walk: an OOXML file names its parts in the first local headers; we never scan forever.
const MAX_ZIP_ENTRIES = 2000;

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
  return true;
}

export function detectAttachmentKind(bytes: Uint8Array): AttachmentKind | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (startsWith(bytes, PNG_SIGNATURE)) return 'png';
  if (startsWith(bytes, OLE_SIGNATURE)) return oleKind(bytes);
  if (startsWith(bytes, ZIP_LOCAL_HEADER)) return ooxmlKind(bytes);
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, PDF_HEADER_WINDOW)).toString('latin1');
  if (/%PDF-\d\.\d/.test(head)) return 'pdf';
  return null;
}

/** Word and Excel binaries are both OLE compound files; their main stream's name tells them apart. */
function oleKind(bytes: Uint8Array): AttachmentKind | null {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const utf16 = (s: string) => Buffer.from(s, 'utf16le');
  if (buf.includes(utf16('WordDocument'))) return 'doc';
  if (buf.includes(utf16('Workbook')) || buf.includes(utf16('Book'))) return 'xls';
  return null;
}

/** Walks the zip's local file headers looking for the `word/` or `xl/` part folder. */
function ooxmlKind(bytes: Uint8Array): AttachmentKind | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (let n = 0; n < MAX_ZIP_ENTRIES && at + 30 <= bytes.length; n++) {
    if (view.getUint32(at, true) !== 0x04034b50) break;
    const flags = view.getUint16(at + 6, true);
    const compressedSize = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true);
    const extraLength = view.getUint16(at + 28, true);
    if (at + 30 + nameLength > bytes.length) break;
    const name = Buffer.from(bytes.buffer, bytes.byteOffset + at + 30, nameLength).toString('utf8');
    if (name.startsWith('word/')) return 'docx';
    if (name.startsWith('xl/')) return 'xlsx';
    // With a data descriptor (bit 3) the size is not in the local header; stop rather than guess.
    if (flags & 0x08) break;
    at += 30 + nameLength + extraLength + compressedSize;
  }
  // Part names are stored uncompressed in the central directory too, which streamed zips always have.
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (buf.includes('word/document.xml')) return 'docx';
  if (buf.includes('xl/workbook.xml')) return 'xlsx';
  return null;
}
