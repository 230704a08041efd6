/**
 * Every SQLite and disk error the user can meet, as one Spanish sentence that says what happened and what to do.
 * `explainStorageError` returns null for errors that are not about storage (they keep their own message).
 */
import { AppError } from '../../api/result';

export type StorageErrorCode =
  'STORAGE_FULL' | 'STORAGE_READONLY' | 'STORAGE_CORRUPT' | 'STORAGE_SCHEMA' | 'STORAGE_BUSY' | 'STORAGE_IO' | 'STORAGE_CANTOPEN';

function codeOf(err: unknown): string | null {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

/** SQLITE_BUSY / SQLITE_LOCKED (and their extended codes): another process holds the database. */
export function isBusyError(err: unknown): boolean {
  const code = codeOf(err);
  return code !== null && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export function explainStorageError(err: unknown, where: string): AppError | null {
  if (err instanceof AppError) return err.code.startsWith('STORAGE_') || err.code === 'DB_TOO_NEW' ? err : null;
  const code = codeOf(err) ?? '';
  const raw = err instanceof Error ? err.message : String(err);
  const make = (c: StorageErrorCode, message: string) => new AppError(c, message, { where, sqlite: code || null }, { cause: err });
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT')
    return make(
      'STORAGE_FULL',
      `El disco está lleno: no se pudo guardar en ${where}. Libere espacio y vuelva a intentarlo; lo que no se confirmó no quedó guardado a medias.`,
    );
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return make(
      'STORAGE_READONLY',
      `La carpeta de datos ${where} es de solo lectura o no tiene permisos de escritura. Revise los permisos, o use otra carpeta con --home o CASILLA_HOME.`,
    );
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return make(
      'STORAGE_CORRUPT',
      `La base de datos de ${where} está dañada (${code}). Cierre la aplicación, guarde una copia del archivo casilla.sqlite y restaure su última copia de seguridad; «casilla doctor» muestra la verificación de integridad.`,
    );
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return make(
      'STORAGE_BUSY',
      `Otro proceso mantiene ocupada la base de datos de ${where} y se agotó la espera. No se guardó nada de esta operación: vuelva a intentarlo cuando termine el otro proceso.`,
    );
  if (code.startsWith('SQLITE_CANTOPEN') || code === 'ENOENT' || code === 'ENOTDIR')
    return make('STORAGE_CANTOPEN', `No se pudo abrir la base de datos en ${where}. Revise que la carpeta exista y sea accesible.`);
  if (code.startsWith('SQLITE_IOERR') || code === 'EIO')
    return make(
      'STORAGE_IO',
      `Error de lectura o escritura del disco en ${where} (${code}). Revise el disco o la unidad de red y vuelva a intentarlo.`,
    );
  if (code.startsWith('SQLITE_ERROR') && /no such (table|column)|has no column|already exists/i.test(raw))
    return make(
      'STORAGE_SCHEMA',
      `La base de datos de ${where} no tiene la estructura que esta versión espera (${raw}). Puede venir de otra aplicación o de una versión distinta: restaure su copia de seguridad o use otra carpeta de datos.`,
    );
  return null;
}

/**
 * Runs `fn` again while the database is busy, with exponential backoff and jitter, up to `maxMs` in total, on
 * top of SQLite's own busy timeout. Synchronous (better-sqlite3 is): waits with Atomics.wait, never spinning.
 */
export function withBusyRetry<T>(fn: () => T, options: { maxMs?: number; random?: () => number } = {}): T {
  const maxMs = options.maxMs ?? 5 * 60_000;
  const random = options.random ?? Math.random;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusyError(err) || Date.now() - started >= maxMs) throw err;
      const ceiling = Math.min(2_000, 25 * 2 ** Math.min(attempt, 10));
      sleepSync(Math.max(5, Math.floor(random() * ceiling)));
    }
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleepSync(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
