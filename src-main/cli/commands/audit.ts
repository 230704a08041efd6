import type { AuditEntry } from '../../api/audit';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

const reasonText = {
  'hash-mismatch': 'su contenido no coincide con su hash (fila editada)',
  'prev-mismatch': 'no enlaza con la entrada anterior (fila editada o insertada)',
  gap: 'falta la entrada anterior (fila eliminada)',
  'mac-mismatch': 'su sello HMAC no coincide (fila editada y cadena SHA-256 recalculada)',
  'mac-missing': 'le falta el sello HMAC (sello quitado)',
  'head-mismatch': 'la última entrada sellada que guarda el llavero falta o es otra (entradas finales eliminadas o reemplazadas)',
  'key-missing': 'hay entradas selladas pero el llavero no tiene la clave o la cabeza de este registro',
  'keychain-unavailable': 'hay entradas selladas pero el llavero del sistema no responde: no se puede comprobar el sello',
} as const;

export const auditCommand: CommandModule = {
  register(program, rt) {
    const audit = program.command('audit').description('Registro de auditoría encadenado por hashes');
    audit
      .command('list')
      .description('Muestra las entradas más recientes')
      .option('-n, --limit <n>', 'cuántas entradas', (v) => parsePositive(v), 50)
      .option('--action <action>', 'solo esta acción (p. ej. sign, settings.update)')
      .action((opts: { limit: number; action?: string }) => {
        const entries = rt.core().audit.list({ limit: opts.limit, ...(opts.action ? { action: opts.action } : {}) });
        rt.print(() => (entries.length ? entries.map(formatEntry).join('\n') : 'El registro está vacío.'), entries);
      });
    audit
      .command('verify')
      .description('Comprueba la cadena completa; sale con 1 si alguna entrada fue alterada')
      .action(async () => {
        const result = await rt.core().audit.verifySealed();
        const sealNote = (r: typeof result) =>
          r.ok && r.seal === 'unavailable' ? ' Aviso: el llavero del sistema no responde; solo se comprobó la cadena SHA-256.' : '';
        rt.print(
          () =>
            result.ok
              ? `Registro íntegro: ${result.entries} entradas${result.head ? `, última ${result.head.slice(0, 16)}…` : ''}.${sealNote(result)}`
              : `Registro ALTERADO en la entrada ${result.brokenAt}: ${reasonText[result.reason]}.`,
          result,
        );
        if (!result.ok) throw new CliExit(ExitCode.failed, '');
      });
  },
};

function formatEntry(e: AuditEntry): string {
  const details = Object.keys(e.details).length ? ' ' + JSON.stringify(e.details) : '';
  return `#${e.id} ${e.at} ${e.actor} ${e.action}${e.subject ? ' ' + e.subject : ''}${details}`;
}

export function parsePositive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new CliExit(ExitCode.usage, `Se esperaba un número entero positivo: ${v}`);
  return n;
}
