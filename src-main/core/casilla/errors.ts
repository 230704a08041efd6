/**
 * The casilla platform's error codes and their official Spanish texts (../shared/casilla-api.md). The array
 * order IS the table order: when one request has several problems, the platform (and our sandbox) reports
 * the one that comes first here, so the composer shows the same error the server would.
 */
export const CASILLA_ERROR_TABLE = [
  ['ERR001', 'No se proporcionó ningún destinatario'],
  ['ERR002', 'Índices con elementos no esperados en destinatarios'],
  ['ERR003', 'Índices de destinatarios no válidos'],
  ['ERR004', 'Código de tipo de mensaje no ingresado'],
  ['ERR005', 'Código de tipo de mensaje no permitido'],
  ['ERR006', 'Código de procedimiento administrativo no ingresado'],
  ['ERR007', 'Código de procedimiento administrativo no válido'],
  ['ERR008', 'Debe configurar el logo de su institución'],
  ['ERR013', 'Archivo con formato no permitido'],
  ['ERR014', 'Nombre del archivo excede 50 caracteres'],
  ['ERR015', 'Límite total de adjuntos superado (20 MB)'],
  ['ERR016', 'Archivo ya adjuntado'],
  ['ERR017', 'Contenido del archivo no tiene formato correcto'],
  ['ERR018', 'Extensión del archivo no corresponde con el tipo de documento'],
  ['ERR019', 'Archivo excede los 20 MB'],
  ['ERR020', 'Firma no válida'],
  ['ERR021', 'Archivo adulterado o con firma revocada'],
  ['ERR022', 'Código de mensaje no válido'],
  ['ERR023', 'RUN no válido'],
  ['ERR024', 'Mensaje no válido'],
  ['ERR025', 'No se puede descargar el comprobante'],
  ['ERR026', 'Asunto excede 150 caracteres'],
  ['ERR027', 'Asunto no ingresado'],
  ['ERR028', 'URL no válida en el contenido'],
  ['ERR029', 'Contenido no ingresado'],
  ['ERR030', 'Más de 250 destinatarios'],
  ['ERR031', 'Envío duplicado: el mismo contenido fue enviado en los últimos 5 minutos'],
  ['ERR032', 'Más de 50 archivos adjuntos'],
  ['ERR033', 'Nombre de archivo con caracteres no permitidos'],
  ['ERR034', 'webhook_url no válida'],
] as const;

export type CasillaErrorCode = (typeof CASILLA_ERROR_TABLE)[number][0];

const texts = new Map<string, string>(CASILLA_ERROR_TABLE);
const rank = new Map<string, number>(CASILLA_ERROR_TABLE.map(([code], i) => [code, i]));

export function isCasillaErrorCode(code: unknown): code is CasillaErrorCode {
  return typeof code === 'string' && texts.has(code);
}

/** The official Spanish text of a code. */
export function casillaErrorText(code: CasillaErrorCode): string {
  return texts.get(code)!;
}

/** The code the platform reports when a request has all of these problems: the first by table order. */
export function firstByTableOrder(codes: Iterable<CasillaErrorCode>): CasillaErrorCode | null {
  let best: CasillaErrorCode | null = null;
  for (const c of codes) if (best === null || rank.get(c)! < rank.get(best)!) best = c;
  return best;
}

/** The JSON error body of the platform: `{"error": {"code", "message"}}` (HTTP 400). */
export type CasillaErrorBody = { error: { code: string; message: string } };

export function casillaErrorBody(code: CasillaErrorCode): CasillaErrorBody {
  return { error: { code, message: casillaErrorText(code) } };
}
