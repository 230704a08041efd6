/**
 * The handler table: implements every method of the contract from core/. All shells dispatch through
 * `dispatch`, which parses the input with the method's zod schema and turns every failure into data.
 *
 * To add a domain: write `services/<domain>.ts` exporting `<domain>Handlers`, and spread it below.
 */
import { z } from 'zod';
import { isMethodName, methods, type MethodName, type ProgressEvent } from './api/contract';
import { AppError, CommonErrorCodes, type Result, type ValidationIssue } from './api/result';
import type { CoreContext } from './core/context';
import { confineCall, FileAccessErrorCodes, fileAccessFor } from './core/files/file-access';
import { resourcesDir } from './core/resources';
import { appHandlers } from './services/app';
import { auditHandlers } from './services/audit';
import { settingsHandlers } from './services/settings';
import { signHandlers } from './services/sign';
import { signProfileHandlers } from './services/sign-profiles';
import { composeHandlers } from './services/compose';
import { outboxHandlers } from './services/outbox';
import { verifyHandlers } from './services/verify';
import { trustHandlers } from './services/trust';
import { keysHandlers } from './services/keys';
import { lockHandlers } from './services/lock';
import { tsaHandlers } from './services/tsa';
import { CALLS_WHILE_LOCKED, isLocked } from './core/lock/app-lock';
import type { Handler, HandlerContext, HandlerTable } from './services/types';

export type { HandlerTable, HandlerContext } from './services/types';

export function createHandlers(): HandlerTable {
  return {
    ...appHandlers,
    ...settingsHandlers,
    ...auditHandlers,
    ...signHandlers,
    ...signProfileHandlers,
    ...composeHandlers,
    ...outboxHandlers,
    ...verifyHandlers,
    ...trustHandlers,
    ...keysHandlers,
    ...lockHandlers,
    ...tsaHandlers,
  };
}

export type DispatchOptions = {
  opId?: string;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
  /**
   * The call comes from the renderer (Electron window or browser mode): the paths it names are confined to the
   * data folder, the app's resources and the files the user picked (core/files). The CLI leaves this off.
   */
  fromRenderer?: boolean;
};

/** Runs one call. Never throws: unknown failures come back as `INTERNAL` and are logged with their cause. */
export async function dispatch(
  table: HandlerTable,
  core: CoreContext,
  method: string,
  rawInput: unknown,
  options: DispatchOptions = {},
): Promise<Result<unknown>> {
  if (!isMethodName(method)) {
    return { ok: false, error: { code: CommonErrorCodes.unknownMethod, message: `Operación desconocida: ${method}` } };
  }
  const parsed = methods[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      error: {
        code: CommonErrorCodes.badInput,
        message:
          'Datos no válidos: ' +
          parsed.error.issues.map((i: z.core.$ZodIssue) => `${i.path.join('.') || '(raíz)'}: ${i.message}`).join('; '),
        // Each issue keeps zod's code and limits, so the UI words it in the user's language (`message` is Spanish).
        details: { issues: parsed.error.issues.map((i: z.core.$ZodIssue) => validationIssue(i)) },
      },
    };
  }
  if (options.fromRenderer && isLocked(core) && !CALLS_WHILE_LOCKED.has(method)) {
    return { ok: false, error: { code: 'LOCKED', message: 'La aplicación está bloqueada: desbloquéela con su contraseña.' } };
  }
  const opId = options.opId ?? '';
  const ctx: HandlerContext = {
    core,
    signal: options.signal ?? new AbortController().signal,
    progress(stage, fraction, values) {
      if (!options.onProgress) return;
      const event: ProgressEvent = { opId, method, stage };
      if (fraction !== undefined) event.fraction = fraction;
      if (values !== undefined) event.values = values;
      options.onProgress(event);
    },
  };
  try {
    const handler = table[method] as Handler<MethodName>;
    const data = options.fromRenderer
      ? confineCall(
          fileAccessFor(core, () => [resourcesDir()]),
          method,
          parsed.data,
        )
      : parsed.data;
    const value = await handler(data as never, ctx);
    return { ok: true, value };
  } catch (err: unknown) {
    const error = toErrorData(err, method);
    auditRefusal(core, method, error.code);
    return { ok: false, error };
  }
}

/** Failed signing, refused queuing and refused file access are audited too (who tried what, and why not). */
function auditRefusal(core: CoreContext, method: string, code: string): void {
  const action =
    code === FileAccessErrorCodes.notAllowed
      ? 'file.refused'
      : method === 'sign.start'
        ? 'sign.refused'
        : method === 'compose.queue'
          ? 'compose.queue.refused'
          : null;
  if (!action) return;
  try {
    core.audit.append({ action, details: { method, code } });
  } catch (err) {
    // The refusal itself was answered; a log that cannot be written is reported, not thrown over it.
    console.error('No se pudo registrar en la auditoría:', formatCauses(err));
  }
}

export function toErrorData(err: unknown, context: string): { code: string; message: string; details?: Record<string, unknown> } {
  if (err instanceof AppError) return err.toData();
  if (err instanceof Error && err.name === 'AbortError') return { code: CommonErrorCodes.cancelled, message: 'Operación cancelada.' };
  console.error(`[${context}] error inesperado:`, formatCauses(err));
  return { code: CommonErrorCodes.internal, message: 'Error interno inesperado. Revise el registro de la aplicación.' };
}

/** An error with its cause chain, one line each, for logs. */
export function formatCauses(err: unknown): string {
  const lines: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 8; depth++) {
    lines.push(cur instanceof Error ? (cur.stack ?? `${cur.name}: ${cur.message}`) : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return lines.join('\n  caused by: ');
}

/** A zod issue as data for the contract (`ValidationIssue` in api/result): its code and limits, never the input. */
function validationIssue(i: z.core.$ZodIssue): ValidationIssue {
  const raw = i as unknown as Record<string, unknown>;
  const str = (k: string) => (typeof raw[k] === 'string' ? { [k]: raw[k] as string } : {});
  const num = (k: string) => (typeof raw[k] === 'number' || typeof raw[k] === 'bigint' ? { [k]: Number(raw[k] as number | bigint) } : {});
  const bool = (k: string) => (typeof raw[k] === 'boolean' ? { [k]: raw[k] as boolean } : {});
  const list = (k: string) =>
    Array.isArray(raw[k]) ? { [k]: (raw[k] as unknown[]).filter((x) => typeof x === 'string' || typeof x === 'number') } : {};
  const params = raw['params'] && typeof raw['params'] === 'object' ? { params: raw['params'] as Record<string, unknown> } : {};
  return {
    path: i.path.map(String),
    message: i.message,
    code: i.code,
    ...str('origin'),
    ...str('format'),
    ...str('expected'),
    ...num('minimum'),
    ...num('maximum'),
    ...num('divisor'),
    ...bool('inclusive'),
    ...bool('exact'),
    ...list('keys'),
    ...list('values'),
    ...params,
  } as ValidationIssue;
}
