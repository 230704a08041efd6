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
];

/** One CSV cell; a cell that starts like a formula is prefixed so a spreadsheet never evaluates it. */
export function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v);
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
        ];
        yield cells.map(csvCell).join(';') + '\r\n';
      }
    }
    if (page.length < 500) return;
    const last = page[page.length - 1]!;
    before = { createdAt: last.createdAt, id: last.id };
  }
}
