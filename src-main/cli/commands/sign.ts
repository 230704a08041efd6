import crypto from 'node:crypto';
import { isSecureServiceUrl } from '../../api/url-policy';
import type { CodedError } from '../../api/i18n-text';
import fs from 'node:fs';
import path from 'node:path';
import type { SignFileResult } from '../../api/sign';
import { AppError } from '../../api/result';
import type { FirmaGobConfig } from '../../core/signing/firmagob/client';
import { paramsRunNotes, readFirmaPeruParams, type ParamsRunNote } from '../../core/signing/params/firma-peru';
import { PADES_LEVELS, type PadesLevel } from '../../core/signing/pades-levels';
import type { CoreContext } from '../../core/context';
import { defaultOutputs } from '../../core/signing/sign-batch';
import { startSigning, type StartSigningInput } from '../../core/signing/signing-service';
import type { TsaConfig } from '../../core/signing/tsa-client';
import { tsaConfigForProfile } from '../../core/signing/tsa-profiles';
import { errorWording } from '../error-text';
import { CliExit, ExitCode, type CommandModule } from '../runtime';
import { tx } from '../text';

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
  paramsNotes?: ParamsRunNote[];
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
      .description(tx('sign.description'))
      .argument('<input...>', tx('sign.argInput'))
      .option('-o, --output <file>', tx('sign.opt.output'))
      .option('--out-dir <dir>', tx('sign.opt.outDir'))
      .option('--p12 <file>', tx('sign.opt.p12'))
      .option('--password-env <VAR>', tx('sign.opt.passwordEnv'))
      .option('--pkcs11-module <PATH>', tx('sign.opt.pkcs11Module'))
      .option('--token-label <L>', tx('sign.opt.tokenLabel'))
      .option('--slot <N>', tx('sign.opt.slot'))
      .option('--cert-id <HEX>', tx('sign.opt.certId'))
      .option('--pin-env <VAR>', tx('sign.opt.pinEnv'))
      .option('--token-timeout <S>', tx('sign.opt.tokenTimeout'))
      .option('--visa', tx('sign.opt.visa'))
      .option('--certify <P>', tx('sign.opt.certify'))
      .option('--reason <text>', tx('sign.opt.reason'))
      .option('--role <text>', tx('sign.opt.role'))
      .option('--location <text>', tx('sign.opt.location'))
      .option('--page <N|last>', tx('sign.opt.page'))
      .option('--rect <x,y,w,h>', tx('sign.opt.rect'))
      .option('--every-page', tx('sign.opt.everyPage'))
      .option('--image <file>', tx('sign.opt.image'))
      .option('--invisible', tx('sign.opt.invisible'))
      .option('--field <name>', tx('sign.opt.field'))
      .option('--tsa <url>', tx('sign.opt.tsa'))
      .option('--tsa-user <user>', tx('sign.opt.tsaUser'))
      .option('--tsa-password-env <VAR>', tx('sign.opt.tsaPasswordEnv'))
      .option('--tsa-profile <NAME>', tx('sign.opt.tsaProfile'))
      .option('--level <B-B|B-T|B-LT|B-LTA>', tx('sign.opt.level'))
      .option('--params <file.json>', tx('sign.opt.params'))
      .option('--profile <name>', tx('sign.opt.profile'))
      .option('--firmagob', tx('sign.opt.firmagob'))
      .option('--otp-env <VAR>', tx('sign.opt.otpEnv'))
      .option('--attended', tx('sign.opt.attended'))
      .option('--firmagob-url <url>', tx('sign.opt.firmagobUrl'))
      .option('--firmagob-entity <name>', tx('sign.opt.firmagobEntity'))
      .option('--firmagob-api-key <key>', tx('sign.opt.firmagobApiKey'))
      .option('--firmagob-secret-env <VAR>', tx('sign.opt.firmagobSecretEnv'))
      .option('--run <RUN>', tx('sign.opt.run'))
      .option('--extend', tx('sign.opt.extend'))
      .option('--digest <sha256|sha384|sha512>', tx('sign.opt.digest'), 'sha256')
      .option('--pss', tx('sign.opt.pss'))
      .option('--batch-id <id>', tx('sign.opt.batchId'))
      .option('--force', tx('sign.opt.force'))
      .option('--time-zone <zone>', tx('sign.opt.timeZone'))
      .option('--template <text>', tx('sign.opt.template'))
      .action(async (inputs: string[], opts: SignCliOptions) => {
        if (opts.tsaProfile) opts.profileTsa = await profileTsa(rt.core(), opts.tsaProfile);
        if (opts.extend) return extendCommand(inputs, opts, rt);
        let input = buildInput(inputs, opts);
        for (const note of opts.paramsNotes ?? [])
          rt.stderr(tx('warning', { message: tx(`sign.paramsNote.${note.code}`, { ...note }) }) + '\n');
        const core = rt.core();
        if (opts.profile) input = await withSavedProfile(input, opts, core);
        // A stamp (or a V°B°'s initials on the other pages) over an existing signature's widget is signed anyway,
        // with a warning: a place given, or the default place when the page has no free one left (loaded only for a
        // visible stamp: the invisible sign path stays small).
        const stamp = input.options.stamp;
        const warnings =
          !stamp.invisible && !input.options.field
            ? (await import('../../core/signing/stamp-overlap')).findStampOverlaps(input.files, stamp, input.options)
            : [];
        const word = await errorWording();
        // Each overlap in the CLI's language, with its page, file and field.
        const shownWarnings = warnings.map((w) => ({
          ...w,
          message: tx(
            w.initials
              ? w.signed
                ? 'sign.overlapInitialsSigned'
                : 'sign.overlapInitialsField'
              : w.signed
                ? 'sign.overlapSigned'
                : 'sign.overlapField',
            { page: w.page, file: path.basename(w.file), field: w.field },
          ),
        }));
        for (const w of shownWarnings) rt.stderr(tx('warning', { message: w.message }) + '\n');
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
          rt.stderr(tx('sign.interrupted', { batch: batchId }));
          abort.abort();
        };
        process.on('SIGINT', onSigint);
        let out;
        try {
          out = await startSigning(core, input, {
            signal: abort.signal,
            onProgress: (p) => {
              if (!quiet && process.stderr.isTTY)
                rt.stderr(
                  `\r\x1b[K${tx('sign.progress', { index: p.index + 1, total: p.total, file: path.basename(p.file), percent: Math.round(p.fraction * 100) })}`,
                );
            },
            onResult: (r) => {
              if (quiet) return;
              if (process.stderr.isTTY) rt.stderr('\r\x1b[K');
              rt.stderr(formatResult(r, word) + '\n');
            },
          });
        } catch (err) {
          if (err instanceof AppError) throw CliExit.from(err, USAGE_CODES.has(err.code) ? ExitCode.usage : ExitCode.failed);
          throw err;
        } finally {
          process.off('SIGINT', onSigint);
        }
        if (out.cancelled) {
          rt.print(() => tx('sign.cancelledSummary', { signed: signedText(out.signed), batch: out.batchId }), {
            ...out,
            warnings: shownWarnings,
          });
          throw new CliExit(ExitCode.interrupted, '', 'CANCELLED');
        }
        rt.print(() => tx('sign.summary', { signed: signedText(out.signed), count: out.failed, batch: out.batchId }), {
          ...out,
          results: out.results.map((r) => (r.ok ? r : { ...r, error: { ...r.error, message: word(r.error) } })),
          warnings: shownWarnings,
        });
        if (out.failed > 0) {
          const allUsage = out.results.every((r) => r.ok || USAGE_CODES.has(r.error.code) || r.error.code.startsWith('PDF_'));
          throw new CliExit(allUsage && out.signed === 0 ? ExitCode.usage : ExitCode.failed, '');
        }
      });
  },
};

function signedText(n: number): string {
  return tx('sign.signed', { count: n });
}

function formatResult(r: SignFileResult, word: (e: CodedError) => string): string {
  if (r.ok) return `✔ ${r.input} → ${r.output}${r.resumed ? tx('sign.resumed') : ''}`;
  return `✘ ${r.input}: ${word(r.error)} [${r.error.code}]`;
}

function usage(msg: string): CliExit {
  return new CliExit(ExitCode.usage, msg);
}

function buildInput(inputs: string[], o: SignCliOptions): StartSigningInput {
  if ([o.p12, o.pkcs11Module, o.firmagob].filter(Boolean).length !== 1) throw usage(tx('sign.needSigner'));
  if (o.slot !== undefined && !/^\d+$/.test(o.slot)) throw usage(tx('sign.badSlot', { value: o.slot }));
  if (o.certId !== undefined && !/^[0-9a-fA-F:]+$/.test(o.certId)) throw usage(tx('sign.badCertId', { value: o.certId }));
  const tokenTimeout = o.tokenTimeout === undefined ? undefined : Number(o.tokenTimeout);
  if (tokenTimeout !== undefined && !(Number.isFinite(tokenTimeout) && tokenTimeout > 0 && tokenTimeout <= 600))
    throw usage(tx('sign.badTokenTimeout', { value: o.tokenTimeout ?? '' }));
  if (o.output && inputs.length !== 1) throw usage(tx('sign.outputNeedsOne'));
  if (o.output && o.outDir) throw usage(tx('sign.outputOrOutDir'));
  if (o.outDir && !fs.statSync(o.outDir, { throwIfNoEntry: false })?.isDirectory())
    throw usage(tx('sign.outDirMissing', { dir: o.outDir }));
  const files = inputs.map((f) => path.resolve(f));
  const outDir = o.outDir ? path.resolve(o.outDir) : undefined;
  // A resumed batch finds its own earlier outputs in place: those are skipped by the batch, not overwritten.
  if (!o.force && !o.batchId) {
    const existing = (o.output ? [path.resolve(o.output)] : defaultOutputs(files, outDir)).filter((f) => fs.existsSync(f));
    if (existing.length)
      throw new CliExit(
        ExitCode.usage,
        tx('sign.outputExists', { count: existing.length, files: existing.slice(0, 5).join(', ') + (existing.length > 5 ? '…' : '') }),
        'SIGN_OUTPUT_EXISTS',
      );
  }
  let page: number | 'last' = 'last';
  if (o.page && o.page !== 'last') {
    const n = Number(o.page);
    if (!Number.isInteger(n) || n < 1) throw usage(tx('sign.badPage', { value: o.page }));
    page = n;
  }
  let rect: [number, number, number, number] | undefined;
  if (o.rect) {
    const parts = o.rect.split(',').map((v) => Number(v.trim()));
    if (parts.length !== 4 || parts.some((v) => !Number.isFinite(v)) || (parts[2] ?? 0) <= 0 || (parts[3] ?? 0) <= 0)
      throw usage(tx('sign.badRect', { value: o.rect }));
    rect = parts as [number, number, number, number];
  }
  const level = o.level ?? (o.tsa || o.tsaProfile ? 'B-T' : 'B-B');
  if (!isLevel(level)) throw usage(tx('sign.badLevel', { value: level }));
  if (o.params && o.profile) throw usage(tx('sign.paramsOrProfile'));
  if (level !== 'B-B' && !o.tsa && !o.tsaProfile && !o.params && !o.profile) throw usage(tx('sign.levelNeedsTsa', { level }));
  const digest = o.digest ?? 'sha256';
  if (digest !== 'sha256' && digest !== 'sha384' && digest !== 'sha512') throw usage(tx('sign.badDigest', { value: digest }));
  let certify: 1 | 2 | 3 | undefined;
  if (o.certify !== undefined) {
    if (o.certify !== '1' && o.certify !== '2' && o.certify !== '3') throw usage(tx('sign.badCertify'));
    if (o.visa) throw usage(tx('sign.visaCannotCertify'));
    certify = Number(o.certify) as 1 | 2 | 3;
  }
  const tsa = tsaOf(o);
  if (o.timeZone) {
    try {
      new Intl.DateTimeFormat('es', { timeZone: o.timeZone });
    } catch {
      throw usage(tx('sign.badTimeZone', { value: o.timeZone ?? '' }));
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
  if (level !== 'B-B' && !tsa) throw usage(tx('sign.levelNeedsTsaParams', { level }));
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
    if (err instanceof AppError) throw CliExit.from(err, ExitCode.usage, `${err.message} ${tx('sign.seeProfiles')}`);
    throw err;
  }
  const p = profileSignOptions(profile);
  const opts = input.options;
  const stamp = opts.stamp;
  const level = o.level ? opts.level : p.level;
  const tsa = opts.tsa ?? p.tsa ?? (p.tsaProfile && level !== 'B-B' ? await profileTsa(core, p.tsaProfile) : undefined);
  if (level !== 'B-B' && !tsa) throw usage(tx('sign.levelNeedsTsaProfile', { level, profile: profile.name }));
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
    if (o.tsa) throw usage(tx('sign.tsaOrProfile'));
    return o.profileTsa;
  }
  if (!o.tsa) return undefined;
  if (!isSecureServiceUrl(o.tsa)) throw usage(`--tsa ${o.tsa}: ${tx('insecureUrl')}`);
  const tsa: TsaConfig = { url: o.tsa };
  if (o.tsaUser) tsa.username = o.tsaUser;
  if (o.tsaPasswordEnv) tsa.password = envValue(o.tsaPasswordEnv);
  return tsa;
}

/** `casilla sign --extend in.pdf -o out.pdf --tsa URL [--level B-LT|B-LTA]`: validation data for signatures already there. */
async function extendCommand(inputs: string[], o: SignCliOptions, rt: Parameters<CommandModule['register']>[1]): Promise<void> {
  if (inputs.length !== 1 || !o.output) throw usage(tx('sign.extendOneFile'));
  const level = o.level ?? 'B-LTA';
  if (level !== 'B-LT' && level !== 'B-LTA') throw usage(tx('sign.extendLevels'));
  const tsa = tsaOf(o);
  if (level === 'B-LTA' && !tsa) throw usage(tx('sign.ltaNeedsTsa'));
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
      tx('sign.extended', {
        output: r.output,
        level,
        signatures: tx('sign.signatures', { count: r.signatures }),
        certs: tx('sign.certificates', { count: r.certs }),
        ocsps: r.ocsps,
        crls: r.crls,
        timestamp: r.timestamped ? tx('sign.docTimestamp') : '.',
      }),
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
    const otp = o.otpEnv ? process.env[o.otpEnv] : await promptHidden(tx('sign.otpPrompt'), stderr);
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
  if (v === undefined) throw new CliExit(ExitCode.usage, tx('envVarMissing', { name }));
  return v;
}

async function readPassword(o: SignCliOptions, stderr: (s: string) => void): Promise<string> {
  if (o.pkcs11Module) return o.pinEnv ? envValue(o.pinEnv) : promptHidden(tx('sign.pinPrompt'), stderr);
  if (o.passwordEnv) return envValue(o.passwordEnv);
  return promptHidden(tx('sign.passwordPrompt'), stderr);
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
        if (ch === '\u0003') return finish(new CliExit(ExitCode.usage, tx('sign.cancelled')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
        if (value.length > 1024) return finish(new CliExit(ExitCode.usage, tx('sign.passwordTooLong')));
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
