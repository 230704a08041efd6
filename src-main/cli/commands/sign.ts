import crypto from 'node:crypto';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from '../../api/url-policy';
import fs from 'node:fs';
import path from 'node:path';
import type { SignFileResult } from '../../api/sign';
import { AppError } from '../../api/result';
import { defaultOutputs } from '../../core/signing/sign-batch';
import { startSigning, type StartSigningInput } from '../../core/signing/signing-service';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

type SignCliOptions = {
  output?: string;
  outDir?: string;
  p12?: string;
  passwordEnv?: string;
  pkcs11Module?: string;
  tokenLabel?: string;
  slot?: string;
  certId?: string;
  pinEnv?: string;
  visa?: boolean;
  certify?: string;
  reason?: string;
  role?: string;
  location?: string;
  page?: string;
  rect?: string;
  everyPage?: boolean;
  image?: string;
  invisible?: boolean;
  field?: string;
  tsa?: string;
  tsaUser?: string;
  tsaPasswordEnv?: string;
  level?: string;
  digest?: string;
  pss?: boolean;
  batchId?: string;
  timeZone?: string;
  template?: string;
  force?: boolean;
};

/** Errors about the inputs themselves (unreadable or not the right kind of file) are usage errors (exit 2). */
const USAGE_CODES = new Set([
  'CERT_NOT_PKCS12',
  'KEY_MODULE_UNLOADABLE',
  'SIGN_FILE_UNREADABLE',
  'SIGN_BAD_IMAGE',
  'SIGN_OUTPUT_UNWRITABLE',
  'BAD_INPUT',
]);

export const signCommand: CommandModule = {
  register(program, rt) {
    program
      .command('sign')
      .description('Firma o da V°B° a uno o varios PDF (PAdES B-B o B-T) con un certificado PKCS#12 o de un token PKCS#11')
      .argument('<input...>', 'PDF de entrada')
      .option('-o, --output <file>', 'PDF de salida (solo con un archivo de entrada)')
      .option('--out-dir <dir>', 'carpeta de salida para <nombre>-firmado.pdf (por defecto, junto a cada entrada)')
      .option('--p12 <file>', 'certificado .p12/.pfx')
      .option('--password-env <VAR>', 'variable de entorno con la contraseña (si no, se pregunta sin eco)')
      .option('--pkcs11-module <PATH>', 'módulo PKCS#11 del token o tarjeta (en lugar de --p12)')
      .option('--token-label <L>', 'token por su etiqueta')
      .option('--slot <N>', 'token por su ranura')
      .option('--cert-id <HEX>', 'certificado del token por su id (ver «casilla certs list»)')
      .option('--pin-env <VAR>', 'variable de entorno con el PIN del token (si no, se pregunta sin eco)')
      .option('--visa', 'visto bueno (V°B°) en lugar de firma')
      .option('--certify <P>', 'firma de certificación DocMDP: 1 sin cambios, 2 formularios y firmas, 3 también anotaciones')
      .option('--reason <text>', 'motivo')
      .option('--role <text>', 'cargo que aparece en el sello')
      .option('--location <text>', 'lugar')
      .option('--page <N|last>', 'página del sello', 'last')
      .option('--rect <x,y,w,h>', 'posición y tamaño del sello en puntos PDF')
      .option('--every-page', 'V°B°: iniciales en todas las páginas y sello completo en la elegida')
      .option('--image <file>', 'imagen PNG/JPG para el sello')
      .option('--invisible', 'firma sin sello visible')
      .option('--field <name>', 'firmar en este campo de firma vacío')
      .option('--tsa <url>', 'servidor de sellado de tiempo RFC 3161 (nivel B-T)')
      .option('--tsa-user <user>', 'usuario de la TSA')
      .option('--tsa-password-env <VAR>', 'variable de entorno con la contraseña de la TSA')
      .option('--level <B-B|B-T>', 'nivel PAdES (B-T si se indica --tsa)')
      .option('--digest <sha256|sha384|sha512>', 'algoritmo de resumen', 'sha256')
      .option('--pss', 'firmar claves RSA con RSA-PSS')
      .option('--batch-id <id>', 'reanudar un lote anterior: se saltan los archivos ya firmados')
      .option('--force', 'sobrescribir las salidas que ya existen (sin esto, no se toca ningún archivo existente)')
      .option('--time-zone <zona>', 'zona horaria del sello, p. ej. America/Lima (por defecto la del sistema)')
      .option('--template <texto>', 'plantilla del sello con {name} {id} {role} {reason} {place} {date}; \\n separa líneas')
      .action(async (inputs: string[], opts: SignCliOptions) => {
        const input = buildInput(inputs, opts);
        const password = await readPassword(opts, rt.stderr);
        input.certificate.password = password;
        const core = rt.core();
        const quiet = rt.json;
        const batchId = input.batchId ?? crypto.randomUUID();
        input.batchId = batchId;
        // Ctrl+C stops after the file being written (its output is complete or absent) and names the batch to
        // resume; a second Ctrl+C ends at once.
        const abort = new AbortController();
        const onSigint = (): void => {
          if (abort.signal.aborted) process.exit(ExitCode.interrupted);
          rt.stderr(`\nInterrumpido. Lote ${batchId}: para reanudarlo, repita la orden con --batch-id ${batchId}\n`);
          abort.abort();
        };
        process.on('SIGINT', onSigint);
        let out;
        try {
          out = await startSigning(core, input, {
            signal: abort.signal,
            onProgress: (p) => {
              if (!quiet && process.stderr.isTTY)
                rt.stderr(`\r\x1b[KFirmando ${p.index + 1}/${p.total} ${path.basename(p.file)} ${Math.round(p.fraction * 100)}%`);
            },
            onResult: (r) => {
              if (quiet) return;
              if (process.stderr.isTTY) rt.stderr('\r\x1b[K');
              rt.stderr(formatResult(r) + '\n');
            },
          });
        } catch (err) {
          if (err instanceof AppError) throw CliExit.from(err, USAGE_CODES.has(err.code) ? ExitCode.usage : ExitCode.failed);
          throw err;
        } finally {
          process.off('SIGINT', onSigint);
        }
        if (out.cancelled) {
          rt.print(() => `${signedText(out.signed)} antes de interrumpir. Lote ${out.batchId}.`, out);
          throw new CliExit(ExitCode.interrupted, '', 'CANCELLED');
        }
        rt.print(() => `${signedText(out.signed)}, ${out.failed} con error. Lote ${out.batchId}.`, out);
        if (out.failed > 0) {
          const allUsage = out.results.every((r) => r.ok || USAGE_CODES.has(r.error.code) || r.error.code.startsWith('PDF_'));
          throw new CliExit(allUsage && out.signed === 0 ? ExitCode.usage : ExitCode.failed, '');
        }
      });
  },
};

function signedText(n: number): string {
  return n === 1 ? '1 archivo firmado' : `${n} archivos firmados`;
}

function formatResult(r: SignFileResult): string {
  if (r.ok) return `✔ ${r.input} → ${r.output}${r.resumed ? ' (ya firmado en el lote anterior)' : ''}`;
  return `✘ ${r.input}: ${r.error.message} [${r.error.code}]`;
}

function usage(msg: string): CliExit {
  return new CliExit(ExitCode.usage, msg);
}

function buildInput(inputs: string[], o: SignCliOptions): StartSigningInput {
  if (Boolean(o.p12) === Boolean(o.pkcs11Module)) throw usage('Indique el certificado: --p12 <archivo> o --pkcs11-module <ruta>.');
  if (o.slot !== undefined && !/^\d+$/.test(o.slot)) throw usage(`Ranura inválida: ${o.slot}`);
  if (o.certId !== undefined && !/^[0-9a-fA-F:]+$/.test(o.certId)) throw usage(`--cert-id espera hexadecimal: ${o.certId}`);
  if (o.output && inputs.length !== 1) throw usage('-o/--output solo se admite con un archivo de entrada; use --out-dir.');
  if (o.output && o.outDir) throw usage('Use -o o --out-dir, no ambos.');
  if (o.outDir && !fs.statSync(o.outDir, { throwIfNoEntry: false })?.isDirectory())
    throw usage(`La carpeta de salida no existe: ${o.outDir}`);
  const files = inputs.map((f) => path.resolve(f));
  const outDir = o.outDir ? path.resolve(o.outDir) : undefined;
  // A resumed batch finds its own earlier outputs in place: those are skipped by the batch, not overwritten.
  if (!o.force && !o.batchId) {
    const existing = (o.output ? [path.resolve(o.output)] : defaultOutputs(files, outDir)).filter((f) => fs.existsSync(f));
    if (existing.length)
      throw new CliExit(
        ExitCode.usage,
        `${existing.length === 1 ? 'La salida ya existe' : `${existing.length} salidas ya existen`}: ${existing.slice(0, 5).join(', ')}${existing.length > 5 ? '…' : ''}. Use --force para sobrescribir.`,
        'SIGN_OUTPUT_EXISTS',
      );
  }
  let page: number | 'last' = 'last';
  if (o.page && o.page !== 'last') {
    const n = Number(o.page);
    if (!Number.isInteger(n) || n < 1) throw usage(`Página inválida: ${o.page}`);
    page = n;
  }
  let rect: [number, number, number, number] | undefined;
  if (o.rect) {
    const parts = o.rect.split(',').map((v) => Number(v.trim()));
    if (parts.length !== 4 || parts.some((v) => !Number.isFinite(v)) || (parts[2] ?? 0) <= 0 || (parts[3] ?? 0) <= 0)
      throw usage(`--rect espera x,y,ancho,alto: ${o.rect}`);
    rect = parts as [number, number, number, number];
  }
  const level = o.level ?? (o.tsa ? 'B-T' : 'B-B');
  if (level !== 'B-B' && level !== 'B-T') throw usage(`Nivel desconocido: ${level}`);
  if (level === 'B-T' && !o.tsa) throw usage('El nivel B-T necesita --tsa <url>.');
  const digest = o.digest ?? 'sha256';
  if (digest !== 'sha256' && digest !== 'sha384' && digest !== 'sha512') throw usage(`Resumen desconocido: ${digest}`);
  let certify: 1 | 2 | 3 | undefined;
  if (o.certify !== undefined) {
    if (o.certify !== '1' && o.certify !== '2' && o.certify !== '3') throw usage('--certify espera 1, 2 o 3.');
    if (o.visa) throw usage('Un V°B° no puede certificar el documento.');
    certify = Number(o.certify) as 1 | 2 | 3;
  }
  let tsa: StartSigningInput['options']['tsa'];
  if (o.tsa) {
    if (!isSecureServiceUrl(o.tsa)) throw usage(`--tsa ${o.tsa}: ${INSECURE_URL_MESSAGE}`);
    tsa = { url: o.tsa };
    if (o.tsaUser) tsa.username = o.tsaUser;
    if (o.tsaPasswordEnv) tsa.password = envValue(o.tsaPasswordEnv);
  }
  if (o.timeZone) {
    try {
      new Intl.DateTimeFormat('es', { timeZone: o.timeZone });
    } catch {
      throw usage(`Zona horaria desconocida: ${o.timeZone}`);
    }
  }
  return {
    files,
    output: o.output ? path.resolve(o.output) : undefined,
    outDir,
    certificate: o.pkcs11Module
      ? {
          pkcs11: {
            module: path.resolve(o.pkcs11Module),
            tokenLabel: o.tokenLabel,
            slot: o.slot !== undefined ? Number(o.slot) : undefined,
            certId: o.certId?.replace(/:/g, ''),
          },
        }
      : { p12Path: path.resolve(o.p12 ?? '') },
    options: {
      role: o.visa ? 'visto-bueno' : 'firma',
      certify,
      reason: o.reason,
      location: o.location,
      roleTitle: o.role,
      digest,
      pss: Boolean(o.pss),
      level,
      tsa,
      field: o.field,
      stamp: {
        timeZone: o.timeZone,
        template: o.template?.replace(/\\n/g, '\n'),
        invisible: Boolean(o.invisible),
        page,
        rect,
        imagePath: o.image ? path.resolve(o.image) : undefined,
        everyPage: Boolean(o.everyPage),
      },
    },
    batchId: o.batchId,
  };
}

function envValue(name: string): string {
  const v = process.env[name];
  if (v === undefined) throw usage(`La variable de entorno ${name} no está definida.`);
  return v;
}

async function readPassword(o: SignCliOptions, stderr: (s: string) => void): Promise<string> {
  if (o.pkcs11Module) return o.pinEnv ? envValue(o.pinEnv) : promptHidden('PIN del token: ', stderr);
  if (o.passwordEnv) return envValue(o.passwordEnv);
  return promptHidden('Contraseña del certificado: ', stderr);
}

/**
 * Reads a secret from the terminal without echo (raw mode), or one line from stdin when it is not a terminal
 * (so scripts can pipe it). Ctrl+C cancels with exit code 2.
 */
function promptHidden(question: string, stderr: (s: string) => void): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const isTty = Boolean(stdin.isTTY);
    const finish = (err?: CliExit): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      if (isTty) stdin.setRawMode(false);
      stdin.pause();
      stderr('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onEnd = (): void => finish();
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new CliExit(ExitCode.usage, 'Cancelado.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
        if (value.length > 1024) return finish(new CliExit(ExitCode.usage, 'Contraseña demasiado larga.'));
      }
    };
    // Raw mode before the prompt: nothing typed after the prompt appears can be echoed by the terminal.
    if (isTty) stdin.setRawMode(true);
    stderr(question);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}
