import { backendForTarget } from '../casilla/backends';
import { deemedServed } from '../calendar/served';
import type { OutboxRepository } from './outbox-repository';

export const CSV_HEADER = [
  'id_local',
  'envio',
  'creado',
  'estado',
  'tipo',
  'procedimiento',
  'asunto',
  'id_casilla',
  'error',
  'destinatario',
  'rol_unico',
  'ddu',
  'estado_entrega',
  'entregado',
  'leido',
  'notificado_el',
];

/**
 * A formula trigger (= + - @, or a tab or carriage return that some importers strip) at the start of the cell or
 * right after any character a spreadsheet may split on (, ; tab | newline), optionally after spaces: a program
 * that opens the file with another separator, or ignores quotes, would start a cell there.
 */
const FORMULA_AFTER_SEPARATOR = /(^|[,;\t|\r\n])(\s*)([=+\-@\t\r])/g;

/**
 * One CSV cell, safe in any spreadsheet whatever separator it uses: every formula trigger that could begin a
 * cell (see above) gets a `'` before it, so it is read as text; then the cell is quoted when it holds a
 * separator, quote or line break. Numbers (written by us, not typed by users) are left as they are.
 */
export function csvCell(v: string | number | null): string {
  if (typeof v === 'number') return String(v);
  const s = v === null ? '' : v;
  const safe = s.replace(FORMULA_AFTER_SEPARATOR, (_m, sep: string, space: string, trigger: string) => `${sep}${space}'${trigger}`);
  return /[",;\t|\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The whole outbox as CSV lines (`;`-separated, as Spanish-locale spreadsheets expect, with a BOM first), one
 * line per recipient, newest message first. Pages through the table so memory stays flat.
 */
export function* outboxCsvLines(repo: OutboxRepository): Generator<string> {
  yield '\uFEFF' + CSV_HEADER.join(';') + '\r\n';
  let before: { createdAt: string; id: string } | undefined;
  for (;;) {
    const page = repo.list({ limit: 500, ...(before ? { before } : {}) });
    for (const m of page) {
      // Every server today is a CasillaÚnica (Chile); the served date follows its country's rule.
      const country = backendForTarget({ backendUrl: '' }).country;
      for (const r of repo.recipients(m.id)) {
        const cells = [
          m.id,
          m.envioId,
          m.createdAt,
          m.state,
          m.messageType,
          m.procedureCode,
          m.subject,
          m.messageDataId,
          m.errorCode,
          r.label,
          r.rolUnico,
          r.dduType,
          r.status,
          r.deliveredAt,
          r.readAt,
          deemedServed(country, r.deliveredAt, r.status).deemedServedAt,
        ];
        yield cells.map(csvCell).join(';') + '\r\n';
      }
    }
    if (page.length < 500) return;
    const last = page[page.length - 1]!;
    before = { createdAt: last.createdAt, id: last.id };
  }
}
