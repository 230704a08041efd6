/**
 * Small, structurally real attachment bytes for each accepted type, built in code so tests need no binary
 * fixtures: the magic numbers and the part names the detector looks at are the real ones.
 */
import zlib from 'node:zlib';

export function pdfBytes(text = 'Resolución de prueba'): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n% ${text}\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n`, 'latin1');
}

export function pngBytes(): Buffer {
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR-not-decoded')]);
}

export function jpgBytes(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF\0rest')]);
}

function oleBytes(streamName: string): Buffer {
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header);
  const dir = Buffer.alloc(128);
  Buffer.from(streamName, 'utf16le').copy(dir);
  return Buffer.concat([header, dir]);
}

export const docBytes = (): Buffer => oleBytes('WordDocument');
export const xlsBytes = (): Buffer => oleBytes('Workbook');

/** A one-entry zip (stored, no compression) whose only part has this name. */
function zipWith(partName: string): Buffer {
  const data = Buffer.from('<xml/>');
  const name = Buffer.from(partName);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt32LE(zlib.crc32(data), 14);
  h.writeUInt32LE(data.length, 18);
  h.writeUInt32LE(data.length, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name, data]);
}

export const docxBytes = (): Buffer => zipWith('word/document.xml');
export const xlsxBytes = (): Buffer => zipWith('xl/workbook.xml');
