import type { outboxMethods } from '../api/outbox';
import { AppError } from '../api/result';
import { outboxCsvLines } from '../core/outbox/export-csv';
import { toSummary } from '../core/outbox/outbox-repository';
import { outboxRuntime } from './outbox-runtime';
import type { HandlersFor } from './types';

export const outboxHandlers: HandlersFor<keyof typeof outboxMethods> = {
  'outbox.list': (input, { core }) => outboxRuntime(core).repo.list(input),
  'outbox.get': (input, { core }) => outboxRuntime(core).repo.detail(input.id),
  'outbox.stats': (input, { core }) => outboxRuntime(core).repo.stats(input.days),
  'outbox.cancel': (input, { core }) => {
    const { repo } = outboxRuntime(core);
    // Only before sending starts: a claimed message is out of the user's hands.
    if (!repo.transition(input.id, ['draft', 'queued'], 'cancelled', { due_at: null }, 'cancelado por el usuario')) {
      const row = repo.row(input.id);
      throw new AppError('OUTBOX_NOT_CANCELLABLE', `El mensaje ya no se puede cancelar (estado: ${row.state}).`, { state: row.state });
    }
    core.events.emit({ type: 'changed', topic: 'outbox' });
    return toSummary(repo.row(input.id));
  },
  'outbox.retry': (input, { core }) => {
    const { repo, sender } = outboxRuntime(core);
    if (
      !repo.transition(
        input.id,
        ['failed', 'draft', 'cancelled'],
        'queued',
        { due_at: new Date().toISOString(), error_code: null, error_message: null, unknown_since: null },
        'reintento pedido por el usuario',
      )
    ) {
      const row = repo.row(input.id);
      throw new AppError('OUTBOX_NOT_RETRYABLE', `Este mensaje no se puede reintentar (estado: ${row.state}).`, { state: row.state });
    }
    sender.notify();
    core.events.emit({ type: 'changed', topic: 'outbox' });
    return toSummary(repo.row(input.id));
  },
  'outbox.reconcile': (input, { core }) => {
    const { repo, sender } = outboxRuntime(core);
    const now = new Date().toISOString();
    let ok: boolean;
    switch (input.resolution) {
      case 'accepted':
        if (!input.messageDataId)
          throw new AppError('BAD_INPUT', 'Indique el número del mensaje en la casilla (24 caracteres hexadecimales).');
        ok = repo.transition(
          input.id,
          ['needs_reconciliation'],
          'accepted',
          { message_data_id: input.messageDataId.toLowerCase(), due_at: now, error_code: null, error_message: null },
          `conciliado: aceptado como ${input.messageDataId}`,
          { note: input.note ?? null },
        );
        break;
      case 'resend':
        // The user checked the platform and the message is not there: a new attempt is safe.
        ok = repo.transition(
          input.id,
          ['needs_reconciliation'],
          'queued',
          { due_at: now, unknown_since: null, error_code: null, error_message: null },
          'conciliado: reenviar',
          { note: input.note ?? null },
        );
        break;
      case 'failed':
        ok = repo.transition(input.id, ['needs_reconciliation'], 'failed', { due_at: null }, 'conciliado: descartado', {
          note: input.note ?? null,
        });
        break;
    }
    if (!ok) throw new AppError('OUTBOX_NOT_RECONCILABLE', 'El mensaje no está pendiente de conciliación.');
    sender.notify();
    core.events.emit({ type: 'changed', topic: 'outbox' });
    return toSummary(repo.row(input.id));
  },
  'outbox.exportCsv': (_input, { core }) => {
    const lines = [...outboxCsvLines(outboxRuntime(core).repo)];
    core.audit.append({ action: 'outbox.export', details: { rows: lines.length - 1 } });
    return { csv: lines.join(''), rows: lines.length - 1 };
  },
  'outbox.sync': async (_input, { core, signal, progress }) => {
    const counts = await outboxRuntime(core).sender.runOnce(signal);
    progress('outbox.synced', 1, counts);
    return counts;
  },
};
