import type { outboxMethods } from '../api/outbox';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../api/result';
import type { Outcome } from '../core/casilla/classify';
import { clientFactory } from './backends';
import { outboxCsvLines } from '../core/outbox/export-csv';
import { DUE_NOW } from '../core/outbox/outbox-repository';
import { outboxRuntime } from './outbox-runtime';
import type { HandlersFor } from './types';

export const outboxHandlers: HandlersFor<keyof typeof outboxMethods> = {
  'outbox.list': (input, { core }) => outboxRuntime(core).repo.list(input),
  'outbox.get': (input, { core }) => outboxRuntime(core).repo.detail(input.id),
  'outbox.stats': (input, { core }) => outboxRuntime(core).repo.stats(input.days),
  'outbox.cancel': (input, { core }) => {
    const { repo } = outboxRuntime(core);
    // Only before sending starts: a claimed message is out of the user's hands, and so is one whose last
    // attempt has an unknown outcome (it may be on the platform: the sender is looking for it).
    if (
      !repo.transition(
        input.id,
        ['draft', 'queued'],
        'cancelled',
        { due_at: null },
        { code: 'cancelled_by_user', message: 'cancelado por el usuario' },
        {},
        { outcomeKnown: true },
      )
    ) {
      const row = repo.row(input.id);
      if (row.unknown_since) throw outcomeUnknownError(row.state);
      throw new AppError('OUTBOX_NOT_CANCELLABLE', `El mensaje ya no se puede cancelar (estado: ${row.state}).`, { state: row.state });
    }
    core.events.emit({ type: 'changed', topic: 'outbox' });
    return repo.summary(input.id);
  },
  'outbox.retry': (input, { core }) => {
    const { repo, sender } = outboxRuntime(core);
    if (
      !repo.transition(
        input.id,
        ['failed', 'draft', 'cancelled'],
        'queued',
        { due_at: DUE_NOW, error_code: null, error_message: null, attempts: 0 },
        { code: 'retry_by_user', message: 'reintento pedido por el usuario' },
        {},
        { outcomeKnown: true },
      )
    ) {
      const row = repo.row(input.id);
      if (row.unknown_since) throw outcomeUnknownError(row.state);
      throw new AppError('OUTBOX_NOT_RETRYABLE', `Este mensaje no se puede reintentar (estado: ${row.state}).`, { state: row.state });
    }
    sender.notify();
    core.events.emit({ type: 'changed', topic: 'outbox' });
    return repo.summary(input.id);
  },
  'outbox.reconcile': (input, { core }) => {
    const { repo, sender } = outboxRuntime(core);
    const now = DUE_NOW;
    let ok: boolean;
    switch (input.resolution) {
      case 'accepted':
        if (!input.messageDataId)
          throw new AppError('BAD_INPUT', 'Indique el número del mensaje en la casilla (24 caracteres hexadecimales).');
        ok = repo.transition(
          input.id,
          ['needs_reconciliation'],
          'accepted',
          {
            message_data_id: input.messageDataId.toLowerCase(),
            due_at: now,
            error_code: null,
            error_message: null,
            unknown_since: null,
            unknown_platform_at: null,
            reconcile_passes: 0,
            bad_polls: 0,
          },
          {
            code: 'reconciled_accepted',
            params: { messageDataId: input.messageDataId },
            message: `conciliado: aceptado como ${input.messageDataId}`,
          },
          { note: input.note ?? null },
        );
        break;
      case 'resend':
        // The user checked the platform and the message is not there: a new attempt is safe.
        ok = repo.transition(
          input.id,
          ['needs_reconciliation'],
          'queued',
          { due_at: now, unknown_since: null, unknown_platform_at: null, reconcile_passes: 0, error_code: null, error_message: null },
          { code: 'reconciled_resend', message: 'conciliado: reenviar' },
          { note: input.note ?? null },
        );
        break;
      case 'failed':
        ok = repo.transition(
          input.id,
          ['needs_reconciliation'],
          'failed',
          { due_at: null },
          { code: 'reconciled_discarded', message: 'conciliado: descartado' },
          {
            note: input.note ?? null,
          },
        );
        break;
    }
    if (!ok) throw new AppError('OUTBOX_NOT_RECONCILABLE', 'El mensaje no está pendiente de conciliación.');
    sender.notify();
    core.events.emit({ type: 'changed', topic: 'outbox' });
    return repo.summary(input.id);
  },
  'outbox.exportCsv': (_input, { core }) => {
    const lines = [...outboxCsvLines(outboxRuntime(core).repo)];
    core.audit.append({ action: 'outbox.export', details: { rows: lines.length - 1 } });
    return { csv: lines.join(''), rows: lines.length - 1 };
  },
  'outbox.receipt': async (input, { core, signal }) => {
    const { repo } = outboxRuntime(core);
    const row = repo.row(input.id);
    if (!row.message_data_id) throw new AppError('ERR025', 'El mensaje aún no tiene comprobante: no ha sido aceptado por la casilla.');
    const client = await clientFactory(core)({ profileId: row.profile_id, backendUrl: row.backend_url, clientId: row.client_id });
    const link = await client.getReceipt(row.message_data_id, input.rolUnico, { signal });
    if (link.kind !== 'accepted') throw outcomeError(link);
    const pdf = await client.downloadReceipt(link.value.url, { signal });
    if (pdf.kind !== 'accepted') throw outcomeError(pdf);
    const dir = path.join(core.home, 'receipts');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const file = path.join(dir, `comprobante-${row.message_data_id}-${input.rolUnico}.pdf`);
    fs.writeFileSync(file, pdf.value, { mode: 0o600 });
    core.audit.append({ action: 'outbox.receipt', subject: input.id, details: { rolUnico: input.rolUnico } });
    return { path: file, bytes: pdf.value.length };
  },
  'outbox.sync': async (_input, { core, signal, progress }) => {
    const counts = await outboxRuntime(core).sender.runOnce(signal);
    progress('outbox.synced', 1, counts);
    return counts;
  },
};

function outcomeUnknownError(state: string): AppError {
  return new AppError(
    'OUTBOX_OUTCOME_UNKNOWN',
    'El último intento de este mensaje tiene un resultado desconocido: puede estar ya en la casilla. La aplicación lo está buscando; si no lo encuentra, le pedirá que lo concilie. No se puede cancelar ni reintentar mientras tanto.',
    { state },
  );
}

/** A failed call to the platform as the user reads it. */
function outcomeError(o: Exclude<Outcome<unknown>, { kind: 'accepted' }>): AppError {
  switch (o.kind) {
    case 'permanent':
      return new AppError(o.code, o.message);
    case 'rate-limited':
      return new AppError('RATE_LIMITED', 'La casilla pide esperar antes de otra consulta; intente en unos segundos.');
    case 'retryable':
    case 'unknown-outcome':
      return new AppError('BACKEND_UNAVAILABLE', `No se pudo obtener el comprobante: ${o.reason}.`);
  }
}
