import crypto from 'node:crypto';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from '../../api/url-policy';
import fs from 'node:fs';
import path from 'node:path';
import type { SignFileResult } from '../../api/sign';
import { AppError } from '../../api/result';
import type { FirmaGobConfig } from '../../core/signing/firmagob/client';
import { paramsRunNotes, readFirmaPeruParams } from '../../core/signing/params/firma-peru';
import { PADES_LEVELS, type PadesLevel } from '../../core/signing/pades-levels';
import type { CoreContext } from '../../core/context';
import { defaultOutputs } from '../../core/signing/sign-batch';
import { startSigning, type StartSigningInput } from '../../core/signing/signing-service';
import type { TsaConfig } from '../../core/signing/tsa-client';
import { tsaConfigForProfile } from '../../core/signing/tsa-profiles';
import { CliExit, ExitCode, type CommandModule } from '../runtime';

type SignCliOptions = {
  output?: string;
  outDir?: string;
  p12?: string;
  extend?: boolean;
  params?: string;
  profile?: string;
  firmagob?: boolean;
  otpEnv?: string;
  firmagobUrl?: string;
  firmagobEntity?: string;
  firmagobApiKey?: string;
  firmagobSecretEnv?: string;
  run?: string;
  attended?: boolean;
  passwordEnv?: string;
  pkcs11Module?: string;
  tokenTimeout?: string;
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
  tsaProfile?: string;
  /** --tsa-profile read from the settings and the keychain. */
  profileTsa?: TsaConfig;
  /** What the parameter file asks that this run does differently (printed before signing). */
  paramsNotes?: string[];
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
      .option('--token-timeout <S>', 'segundos que puede tardar el token en firmar antes de darlo por perdido (por defecto 60)')
      .option('--visa', 'visto bueno (V°B°) en lugar de firma')
      .option('--certify <P>', 'firma de certificación DocMDP: 1 sin cambios, 2 formularios y firmas, 3 también anotaciones')
      .option('--reason <text>', 'motivo')
      .option('--role <text>', 'cargo que aparece en el sello')
      .option('--location <text>', 'lugar')
      .option('--page <N|last>', 'página del sello (por defecto, la última)')
      .option('--rect <x,y,w,h>', 'posición y tamaño del sello en puntos PDF')
      .option('--every-page', 'V°B°: iniciales en todas las páginas y sello completo en la elegida')
      .option('--image <file>', 'imagen PNG/JPG para el sello')
      .option('--invisible', 'firma sin sello visible')
      .option('--field <name>', 'firmar en este campo de firma vacío')
      .option('--tsa <url>', 'servidor de sellado de tiempo RFC 3161 (nivel B-T)')
      .option('--tsa-user <user>', 'usuario de la TSA')
      .option('--tsa-password-env <VAR>', 'variable de entorno con la contraseña de la TSA')
      .option('--tsa-profile <NAME>', 'perfil de TSA guardado (casilla tsa list): dirección, usuario y contraseña del llavero')
      .option('--level <B-B|B-T|B-LT|B-LTA>', 'nivel PAdES (B-T si se indica --tsa); B-LT y B-LTA incluyen cadena, OCSP y CRL (DSS)')
      .option(
        '--params <file.json>',
        'parámetros de Firma Perú (estilo, página, posición, motivo, cargo, nivel, TSA); las opciones explícitas mandan',
      )
      .option('--profile <nombre>', 'perfil de firma guardado (casilla profiles list); las opciones explícitas mandan')
      .option('--firmagob', 'firmar con FirmaGob (Chile) en modo hash, con la configuración guardada o las opciones --firmagob-*')
      .option('--otp-env <VAR>', 'FirmaGob atendido: variable de entorno con la clave OTP (si no, se pregunta)')
      .option('--attended', 'FirmaGob: propósito atendido ("Propósito General", pide OTP) en lugar de desatendido')
      .option('--firmagob-url <url>', 'FirmaGob: dirección del servicio (por defecto la guardada o la de certificación)')
      .option('--firmagob-entity <nombre>', 'FirmaGob: entidad (institución) del token')
      .option('--firmagob-api-key <key>', 'FirmaGob: api_token_key de la institución')
      .option('--firmagob-secret-env <VAR>', 'FirmaGob: variable de entorno con la clave secreta (si no, la del llavero)')
      .option('--run <RUN>', 'FirmaGob: RUN del funcionario sin puntos, guion ni dígito verificador')
      .option('--extend', 'no firma: extiende un PDF ya firmado a B-LT o B-LTA (por defecto B-LTA, necesita --tsa)')
      .option('--digest <sha256|sha384|sha512>', 'algoritmo de resumen', 'sha256')
      .option('--pss', 'firmar claves RSA con RSA-PSS')
      .option('--batch-id <id>', 'reanudar un lote anterior: se saltan los archivos ya firmados')
      .option('--force', 'sobrescribir las salidas que ya existen (sin esto, no se toca ningún archivo existente)')
      .option('--time-zone <zona>', 'zona horaria del sello, p. ej. America/Lima (por defecto la del sistema)')
      .option('--template <texto>', 'plantilla del sello con {name} {id} {role} {reason} {place} {date}; \\n separa líneas')
      .action(async (inputs: string[], opts: SignCliOptions) => {
        if (opts.tsaProfile) opts.profileTsa = await profileTsa(rt.core(), opts.tsaProfile);
        if (opts.extend) return extendCommand(inputs, opts, rt);
        let input = buildInput(inputs, opts);
        for (const note of opts.paramsNotes ?? []) rt.stderr(`Aviso: ${note}\n`);
        const core = rt.core();
        if (opts.profile) input = await withSavedProfile(input, opts, core);
        // A stamp placed over an existing signature's widget is signed anyway, with a warning (loaded only when a
        // place is given: the plain sign path stays small).
        const stamp = input.options.stamp;
        const warnings =
          !stamp.invisible && stamp.rect ? (await import('../../core/signing/stamp-overlap')).findStampOverlaps(input.files, stamp) : [];
        for (const w of warnings) rt.stderr(`Aviso: ${w.message}\n`);
        if (opts.firmagob) input.certificate.firmagob = await firmaGobFromCli(core, opts, rt.stderr);
        else input.certificate.password = await readPassword(opts, rt.stderr);
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
          rt.print(() => `${signedText(out.signed)} antes de interrumpir. Lote ${out.batchId}.`, { ...out, warnings });
          throw new CliExit(ExitCode.interrupted, '', 'CANCELLED');
        }
        rt.print(() => `${signedText(out.signed)}, ${out.failed} con error. Lote ${out.batchId}.`, { ...out, warnings });
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
  if ([o.p12, o.pkcs11Module, o.firmagob].filter(Boolean).length !== 1)
    throw usage('Indique con qué firmar: --p12 <archivo>, --pkcs11-module <ruta> o --firmagob.');
  if (o.slot !== undefined && !/^\d+$/.test(o.slot)) throw usage(`Ranura inválida: ${o.slot}`);
  if (o.certId !== undefined && !/^[0-9a-fA-F:]+$/.test(o.certId)) throw usage(`--cert-id espera hexadecimal: ${o.certId}`);
  const tokenTimeout = o.tokenTimeout === undefined ? undefined : Number(o.tokenTimeout);
  if (tokenTimeout !== undefined && !(Number.isFinite(tokenTimeout) && tokenTimeout > 0 && tokenTimeout <= 600))
    throw usage(`--token-timeout espera segundos entre 0 y 600: ${o.tokenTimeout}`);
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
  const level = o.level ?? (o.tsa || o.tsaProfile ? 'B-T' : 'B-B');
  if (!isLevel(level)) throw usage(`Nivel desconocido: ${level} (use B-B, B-T, B-LT o B-LTA).`);
  if (o.params && o.profile) throw usage('Use --params o --profile, no ambos.');
  if (level !== 'B-B' && !o.tsa && !o.tsaProfile && !o.params && !o.profile) throw usage(`El nivel ${level} necesita --tsa <url>.`);
  const digest = o.digest ?? 'sha256';
  if (digest !== 'sha256' && digest !== 'sha384' && digest !== 'sha512') throw usage(`Resumen desconocido: ${digest}`);
  let certify: 1 | 2 | 3 | undefined;
  if (o.certify !== undefined) {
    if (o.certify !== '1' && o.certify !== '2' && o.certify !== '3') throw usage('--certify espera 1, 2 o 3.');
    if (o.visa) throw usage('Un V°B° no puede certificar el documento.');
    certify = Number(o.certify) as 1 | 2 | 3;
  }
  const tsa = tsaOf(o);
  if (o.timeZone) {
    try {
      new Intl.DateTimeFormat('es', { timeZone: o.timeZone });
    } catch {
      throw usage(`Zona horaria desconocida: ${o.timeZone}`);
    }
  }
  const base: StartSigningInput = {
    files,
    output: o.output ? path.resolve(o.output) : undefined,
    outDir,
    certificate: o.firmagob
      ? {}
      : o.pkcs11Module
        ? {
            pkcs11: {
              module: path.resolve(o.pkcs11Module),
              tokenLabel: o.tokenLabel,
              slot: o.slot !== undefined ? Number(o.slot) : undefined,
              certId: o.certId?.replace(/:/g, ''),
              ...(tokenTimeout !== undefined ? { signTimeoutMs: Math.round(tokenTimeout * 1000) } : {}),
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
  return o.params ? withParams(base, o) : base;
}

/** A Firma Perú parameter file fills what the command line left unsaid. */
function withParams(input: StartSigningInput, o: SignCliOptions): StartSigningInput {
  let imported;
  try {
    imported = readFirmaPeruParams(path.resolve(o.params ?? ''));
  } catch (err) {
    if (err instanceof AppError) throw CliExit.from(err, ExitCode.usage);
    throw err;
  }
  const { profile, tsaPassword } = imported;
  const opts = input.options;
  const stamp = opts.stamp;
  try {
    o.paramsNotes = paramsRunNotes(profile, { inputs: input.files.length, rectGiven: Boolean(stamp.rect) });
  } catch (err) {
    if (err instanceof AppError) throw CliExit.from(err, ExitCode.usage);
    throw err;
  }
  const level = o.level ? opts.level : profile.level;
  const tsa = opts.tsa ?? (profile.tsa ? { ...profile.tsa, ...(tsaPassword !== undefined ? { password: tsaPassword } : {}) } : undefined);
  if (level !== 'B-B' && !tsa) throw usage(`El nivel ${level} necesita --tsa <url> o webTsa en los parámetros.`);
  return {
    ...input,
    options: {
      ...opts,
      level,
      tsa,
      reason: opts.reason ?? profile.reason,
      roleTitle: opts.roleTitle ?? profile.roleTitle,
      certificateFilter: profile.certificateFilter,
      stamp: {
        ...stamp,
        invisible: stamp.invisible || profile.stamp.invisible,
        page: o.page ? stamp.page : profile.stamp.page,
        rect: stamp.rect ?? profile.stamp.rect,
        fromTop: stamp.rect ? false : profile.stamp.fromTop,
        imagePath: stamp.imagePath ?? profile.stamp.imagePath,
        template: stamp.template ?? profile.stamp.template,
        timeZone: stamp.timeZone ?? profile.stamp.timeZone,
        style: profile.stamp.style,
        maxFontSize: profile.stamp.maxFontSize,
        wordWrap: profile.stamp.wordWrap,
        dateStyle: profile.stamp.dateStyle,
      },
    },
  };
}

/** A saved profile (`casilla profiles`) fills what the command line left unsaid, like --params. */
async function withSavedProfile(input: StartSigningInput, o: SignCliOptions, core: CoreContext): Promise<StartSigningInput> {
  const { findSigningProfile, profileSignOptions } = await import('../../core/signing/profiles/signing-profiles');
  let profile;
  try {
    profile = findSigningProfile(core, o.profile ?? '');
  } catch (err) {
    if (err instanceof AppError) throw CliExit.from(err, ExitCode.usage, `${err.message} Vea «casilla profiles list».`);
    throw err;
  }
  const p = profileSignOptions(profile);
  const opts = input.options;
  const stamp = opts.stamp;
  const level = o.level ? opts.level : p.level;
  const tsa = opts.tsa ?? p.tsa ?? (p.tsaProfile && level !== 'B-B' ? await profileTsa(core, p.tsaProfile) : undefined);
  if (level !== 'B-B' && !tsa) throw usage(`El nivel ${level} necesita --tsa <url> (el perfil «${profile.name}» no tiene servidor).`);
  return {
    ...input,
    options: {
      ...opts,
      role: o.visa ? 'visto-bueno' : p.role,
      level,
      tsa,
      reason: opts.reason ?? p.reason,
      roleTitle: opts.roleTitle ?? p.roleTitle,
      location: opts.location ?? p.location,
      certificateFilter: p.certificateFilter,
      stamp: {
        ...p.stamp,
        invisible: stamp.invisible || p.stamp.invisible,
        page: o.page ? stamp.page : p.stamp.page,
        everyPage: o.everyPage ? stamp.everyPage : p.stamp.everyPage,
        ...(stamp.rect ? { rect: stamp.rect, fromTop: false } : {}),
        ...(stamp.imagePath ? { imagePath: stamp.imagePath } : {}),
        ...(stamp.template ? { template: stamp.template } : {}),
        ...(stamp.timeZone ? { timeZone: stamp.timeZone } : {}),
      },
    },
  };
}

function isLevel(v: string): v is PadesLevel {
  return (PADES_LEVELS as readonly string[]).includes(v);
}

async function profileTsa(core: Parameters<typeof tsaConfigForProfile>[0], name: string): Promise<TsaConfig> {
  try {
    return await tsaConfigForProfile(core, name);
  } catch (err) {
    if (err instanceof AppError && err.code === 'TSA_PROFILE_NOT_FOUND') throw CliExit.from(err, ExitCode.usage);
    throw err;
  }
}

function tsaOf(o: SignCliOptions): TsaConfig | undefined {
  if (o.profileTsa) {
    if (o.tsa) throw usage('Use --tsa o --tsa-profile, no ambos.');
    return o.profileTsa;
  }
  if (!o.tsa) return undefined;
  if (!isSecureServiceUrl(o.tsa)) throw usage(`--tsa ${o.tsa}: ${INSECURE_URL_MESSAGE}`);
  const tsa: TsaConfig = { url: o.tsa };
  if (o.tsaUser) tsa.username = o.tsaUser;
  if (o.tsaPasswordEnv) tsa.password = envValue(o.tsaPasswordEnv);
  return tsa;
}

/** `casilla sign --extend in.pdf -o out.pdf --tsa URL [--level B-LT|B-LTA]`: validation data for signatures already there. */
async function extendCommand(inputs: string[], o: SignCliOptions, rt: Parameters<CommandModule['register']>[1]): Promise<void> {
  if (inputs.length !== 1 || !o.output)
    throw usage('--extend trabaja con un archivo: casilla sign --extend entrada.pdf -o salida.pdf --tsa URL');
  const level = o.level ?? 'B-LTA';
  if (level !== 'B-LT' && level !== 'B-LTA') throw usage('--extend admite --level B-LT o B-LTA.');
  const tsa = tsaOf(o);
  if (level === 'B-LTA' && !tsa) throw usage('El nivel B-LTA necesita --tsa <url> para el sello de tiempo del documento.');
  let r;
  try {
    // Loaded here: the LTV code (and the verifier behind it) is not needed to sign.
    const { extendPdf } = await import('../../core/signing/ltv');
    r = await extendPdf({ input: path.resolve(inputs[0] ?? ''), output: path.resolve(o.output), level, ...(tsa ? { tsa } : {}) });
  } catch (err) {
    if (err instanceof AppError) throw CliExit.from(err, USAGE_CODES.has(err.code) ? ExitCode.usage : ExitCode.failed);
    throw err;
  }
  rt.print(
    () =>
      `✔ ${r.output}: ${level}, ${r.signatures} firma(s), ${r.certs} certificado(s), ${r.ocsps} OCSP, ${r.crls} CRL` +
      (r.timestamped ? ', sello de tiempo del documento.' : '.'),
    r,
  );
}

/** FirmaGob settings (saved, then flags); for the attended purpose the OTP from --otp-env or typed without echo. */
async function firmaGobFromCli(
  core: ReturnType<Parameters<CommandModule['register']>[1]['core']>,
  o: SignCliOptions,
  stderr: (s: string) => void,
): Promise<FirmaGobConfig> {
  // Loaded only for FirmaGob (its client brings pkijs).
  const [client, { resolveFirmaGobConfig }] = await Promise.all([
    import('../../core/signing/firmagob/client'),
    import('../../core/signing/firmagob/settings'),
  ]);
  const checkFirmaGobConfig: typeof client.checkFirmaGobConfig = client.checkFirmaGobConfig;
  const over: Partial<FirmaGobConfig> = {};
  if (o.firmagobUrl) over.baseUrl = o.firmagobUrl;
  if (o.firmagobEntity) over.entity = o.firmagobEntity;
  if (o.firmagobApiKey) over.apiKey = o.firmagobApiKey;
  if (o.firmagobSecretEnv) over.secret = envValue(o.firmagobSecretEnv);
  if (o.run) over.run = o.run;
  if (o.attended) over.purpose = 'Propósito General';
  const config = await resolveFirmaGobConfig(core, over);
  if (config.purpose === 'Propósito General') {
    const otp = o.otpEnv ? process.env[o.otpEnv] : await promptHidden('Clave OTP de FirmaGob: ', stderr);
    if (otp) config.otp = otp.trim();
  }
  try {
    checkFirmaGobConfig(config);
  } catch (err) {
    if (err instanceof AppError) throw CliExit.from(err, ExitCode.usage);
    throw err;
  }
  return config;
}

function envValue(name: string): string {
  const v = process.env[name];
  if (v === undefined)
    throw CliExit.said(ExitCode.usage, `La variable de entorno ${name} no está definida.`, 'cli.envVarMissing', { name });
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
