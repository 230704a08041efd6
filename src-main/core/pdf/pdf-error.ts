import { AppError } from '../../api/result';

/** Error codes of the PDF reader; messages are Spanish and name the file problem, not the parser internals. */
export const PdfErrorCodes = {
  invalid: 'PDF_INVALID',
  encrypted: 'PDF_ENCRYPTED',
  limit: 'PDF_LIMIT',
  unsupported: 'PDF_UNSUPPORTED',
} as const;

export function pdfInvalid(detail: string, cause?: unknown): AppError {
  return new AppError(PdfErrorCodes.invalid, `El PDF está dañado o no es un PDF (${detail}).`, { detail }, { cause });
}

export function pdfLimit(detail: string): AppError {
  return new AppError(PdfErrorCodes.limit, `El PDF excede un límite de lectura (${detail}).`, { detail });
}

export function pdfUnsupported(detail: string): AppError {
  return new AppError(PdfErrorCodes.unsupported, `El PDF usa una característica aún no soportada (${detail}).`, { detail });
}
