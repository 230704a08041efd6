/**
 * The signing use cases behind the contract: inspect a certificate, the remembered certificate list
 * (passwords optionally in the OS keychain), and signing one file or a batch with audit entries. Shared by
 * the handler table and the CLI so both behave the same.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { CertificateInfo, SavedCertificate, SignFileResult } from '../../api/sign';
import { AppError } from '../../api/result';
import type { CoreContext } from '../context';
import { secretAccounts } from '../secrets/secret-store';
import { assertUsableForSigning, summarizeCertificate } from './certificate-summary';
import { prewarmPdfWorker } from '../isolate/isolated';
import { openSigner, readPkcs12File } from './open-signer';
import { mayPublishRevocation } from './keys/revocation-hint';
import type { PadesLevel } from './pades-levels';
import type { TokenCertificateRef } from './keys/pkcs11/open-token-signer';
import type { ExternalSigner, Signer, SignPdfOptions, StampOptions } from './pades-signer';
import type { CertificateSummary } from './certificate-summary';
import type { FirmaGobConfig } from './firmagob/client';
import { openPkcs12 } from './keys/pkcs12/open-pkcs12';
import { defaultOutputs, signBatch, toErrorData, type BatchState } from './sign-batch';
import { SignErrorCodes } from './sign-errors';
import type { SignRole } from './stamp-text';
import { traceMark } from '../trace';

const LIST_KEY = 'sign.certificates';
const batchKey = (id: string) => `sign.batch.${id}`;
const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

type SavedRecord = SavedCertificate;

export function inspectCertificate(p12Path: string, password: string): CertificateInfo {
  const opened = openPkcs12(readPkcs12File(p12Path), password);
  const summary = summarizeCertificate(opened.certificate);
  let problem: CertificateInfo['problem'] = null;
  try {
    assertUsableForSigning(summary);
  } catch (err) {
    problem = toErrorData(err);
  }
  return { ...summary, problem };
}

export function listCertificates(core: CoreContext): SavedCertificate[] {
  return (core.settings.get<SavedRecord[]>(LIST_KEY) ?? []).map((r) => ({ ...r }));
}

export async function addCertificate(
  core: CoreContext,
  input: { p12Path: string; password: string; label?: string; rememberPassword: boolean },
): Promise<SavedCertificate> {
  const info = inspectCertificate(input.p12Path, input.password);
  const { problem: _problem, ...summary } = info;
  const id = summary.fingerprintSha256.slice(0, 16);
  if (input.rememberPassword) await core.secrets.set(secretAccounts.certificatePassword(id), input.password);
  else await core.secrets.delete(secretAccounts.certificatePassword(id)).catch(() => false);
  const record: SavedRecord = {
    id,
    label: input.label ?? summary.name,
    path: input.p12Path,
    rememberPassword: input.rememberPassword,
    info: summary,
  };
  const list = (core.settings.get<SavedRecord[]>(LIST_KEY) ?? []).filter((r) => r.id !== id);
  core.settings.set(LIST_KEY, [...list, record]);
  core.audit.append({
    action: 'sign.certificate.add',
    subject: id,
    details: { name: summary.name, issuer: summary.issuer, rememberPassword: input.rememberPassword },
  });
  return record;
}

export async function removeCertificate(core: CoreContext, id: string): Promise<void> {
  const list = core.settings.get<SavedRecord[]>(LIST_KEY) ?? [];
  if (!list.some((r) => r.id === id)) throw new AppError('NOT_FOUND', 'Ese certificado no está en la lista.');
  core.settings.set(
    LIST_KEY,
    list.filter((r) => r.id !== id),
  );
  await core.secrets.delete(secretAccounts.certificatePassword(id)).catch(() => false);
  core.audit.append({ action: 'sign.certificate.remove', subject: id });
}

export type StartSigningInput = {
  files: string[];
  output?: string | undefined;
  outDir?: string | undefined;
  certificate: {
    certificateId?: string | undefined;
    p12Path?: string | undefined;
    /** A PKCS#11 token certificate (the CLI's --pkcs11-module …); `password` is then the PIN. */
    pkcs11?: TokenCertificateRef | undefined;
    /** FirmaGob (Chile): the CMS comes from the service in hash mode; `password` is unused. */
    firmagob?: FirmaGobConfig | undefined;
    password?: string | undefined;
  };
  options: {
    role: SignRole;
    certify?: 1 | 2 | 3 | undefined;
    reason?: string | undefined;
    location?: string | undefined;
    roleTitle?: string | undefined;
    digest: 'sha256' | 'sha384' | 'sha512';
    pss: boolean;
    level: PadesLevel;
    tsa?: { url: string; username?: string | undefined; password?: string | undefined } | undefined;
    field?: string | undefined;
    stamp: {
      invisible: boolean;
      page: number | 'last';
      rect?: [number, number, number, number] | undefined;
      imagePath?: string | undefined;
      everyPage: boolean;
      template?: string | undefined;
      timeZone?: string | undefined;
      style?: 1 | 2 | 3 | 4 | undefined;
      fromTop?: boolean | undefined;
      maxFontSize?: number | undefined;
      wordWrap?: number | undefined;
      dateStyle?: 'slash' | 'dot' | undefined;
    };
    /** Only certificates whose subject or issuer contains this text may sign (a Firma Perú profile's filter). */
    certificateFilter?: string | undefined;
  };
  batchId?: string | undefined;
};

export type SigningProgress = { index: number; total: number; file: string; fraction: number };

export async function startSigning(
  core: CoreContext,
  input: StartSigningInput,
  hooks: { signal?: AbortSignal; onProgress?: (p: SigningProgress) => void; onResult?: (r: SignFileResult) => void } = {},
): Promise<{ batchId: string; cancelled: boolean; results: SignFileResult[]; signed: number; failed: number }> {
  // Each input is first read in the PDF worker: its start overlaps opening the certificate.
  if (input.files.length > 0) prewarmPdfWorker();
  // Every signature is audited: the keychain's seal key is read while the worker reads the input.
  core.audit.warmSeal();
  const signer = await openCertificate(core, input.certificate);
  traceMark('certificate opened');
  try {
    // A revoked certificate must not sign; an OCSP/CRL server that does not answer is not a refusal. FirmaGob
    // issues its certificate per signature, so there is nothing to check before it signs. The catalog (and the
    // verifier behind it) loads only for a certificate that publishes where to check.
    if (!('external' in signer) && mayPublishRevocation(signer.certificate)) {
      const { assertNotRevoked } = await import('./keys/certificate-catalog');
      await assertNotRevoked(signer.certificate, signer.chain);
    }
    traceMark('revocation checked');
    return await signWith(core, input, signer, hooks);
  } finally {
    if (!('external' in signer)) await signer.key?.close();
  }
}

type AnySigner = Signer | (ExternalSigner & { summary: CertificateSummary });

async function openCertificate(core: CoreContext, c: StartSigningInput['certificate']): Promise<AnySigner> {
  if (c.firmagob) {
    const { firmaGobSigner } = await import('./firmagob/client');
    const s = firmaGobSigner(c.firmagob);
    return { ...s, summary: s.summary as CertificateSummary };
  }
  if (c.pkcs11) {
    if (c.password === undefined) throw new AppError('SIGN_PASSWORD_REQUIRED', 'Escriba el PIN del token.');
    // Loaded only for a token: the native pkcs11js and its constants cost milliseconds at every start.
    const { openTokenSigner } = await import('./keys/pkcs11/open-token-signer');
    return openTokenSigner(c.pkcs11, c.password);
  }
  const { path: p12Path, password } = await resolveCertificate(core, c);
  return openSigner(p12Path, password);
}

async function signWith(
  core: CoreContext,
  input: StartSigningInput,
  signer: AnySigner,
  hooks: { signal?: AbortSignal; onProgress?: (p: SigningProgress) => void; onResult?: (r: SignFileResult) => void },
): Promise<{ batchId: string; cancelled: boolean; results: SignFileResult[]; signed: number; failed: number }> {
  const o = input.options;
  if (o.certificateFilter) {
    const needle = o.certificateFilter.toLowerCase();
    const hay = `${signer.summary.name} ${signer.summary.issuer}`.toLowerCase();
    if (!hay.includes(needle))
      throw new AppError(
        'SIGN_CERT_FILTERED',
        `El certificado de ${signer.summary.name} no cumple el filtro del perfil («${o.certificateFilter}»).`,
      );
  }
  const stamp: StampOptions = { invisible: o.stamp.invisible, page: o.stamp.page, everyPage: o.stamp.everyPage };
  if (o.stamp.rect) stamp.rect = o.stamp.rect;
  if (o.stamp.template) stamp.template = o.stamp.template;
  if (o.stamp.timeZone) stamp.timeZone = o.stamp.timeZone;
  if (o.stamp.style) stamp.style = o.stamp.style;
  if (o.stamp.fromTop) stamp.fromTop = true;
  if (o.stamp.maxFontSize) stamp.maxFontSize = o.stamp.maxFontSize;
  if (o.stamp.wordWrap) stamp.wordWrap = o.stamp.wordWrap;
  if (o.stamp.dateStyle) stamp.dateStyle = o.stamp.dateStyle;
  if (o.stamp.imagePath) {
    const st = fs.statSync(o.stamp.imagePath, { throwIfNoEntry: false });
    if (!st?.isFile() || st.size > MAX_IMAGE_BYTES)
      throw new AppError(SignErrorCodes.badImage, 'No se pudo leer la imagen del sello (¿existe y pesa menos de 8 MB?).');
    stamp.image = fs.readFileSync(o.stamp.imagePath);
  }
  const sign: Omit<SignPdfOptions, 'input' | 'output' | 'signal' | 'onProgress' | 'level'> & { level: PadesLevel } = {
    signer,
    role: o.role,
    digest: o.digest,
    pss: o.pss,
    level: o.level,
    stamp,
  };
  if (o.certify) sign.certify = o.certify;
  if (o.reason) sign.reason = o.reason;
  if (o.location) sign.location = o.location;
  if (o.roleTitle) sign.roleTitle = o.roleTitle;
  if (o.field) sign.field = o.field;
  if (o.tsa)
    sign.tsa = {
      url: o.tsa.url,
      ...(o.tsa.username !== undefined ? { username: o.tsa.username } : {}),
      ...(o.tsa.password !== undefined ? { password: o.tsa.password } : {}),
    };

  const batchId = input.batchId ?? crypto.randomUUID();
  const outputs = input.output ? [input.output] : defaultOutputs(input.files, input.outDir);
  const { results, cancelled } = await signBatch({
    batchId,
    files: input.files,
    outputs,
    sign,
    store: {
      load: (id) => core.settings.get<BatchState | null>(batchKey(id)) ?? undefined,
      save: (id, state) => core.settings.set(batchKey(id), state),
    },
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
    onResult: (r) => {
      if (r.ok && !r.resumed) {
        // No secrets here: who signed, what, where the result went.
        traceMark('file signed');
        core.audit.append({
          action: 'sign',
          subject: r.output,
          details: {
            input: r.input,
            role: o.role,
            level: o.level,
            field: r.fieldName,
            signer: signer.summary.name,
            certificate: signer.summary.fingerprintSha256.slice(0, 16),
            certify: o.certify ?? null,
          },
        });
      } else if (!r.ok) {
        core.audit.append({ action: 'sign.failed', subject: r.input, details: { code: r.error.code } });
      }
      hooks.onResult?.(r);
    },
  });
  if (!cancelled) core.settings.set(batchKey(batchId), null);
  const signed = results.filter((r) => r.ok).length;
  return { batchId, cancelled, results, signed, failed: results.length - signed };
}

async function resolveCertificate(core: CoreContext, c: StartSigningInput['certificate']): Promise<{ path: string; password: string }> {
  if (c.p12Path) {
    if (c.password === undefined) throw new AppError('SIGN_PASSWORD_REQUIRED', 'Escriba la contraseña del certificado.');
    return { path: c.p12Path, password: c.password };
  }
  const record = (core.settings.get<SavedRecord[]>(LIST_KEY) ?? []).find((r) => r.id === c.certificateId);
  if (!record) throw new AppError('SIGN_CERT_NOT_FOUND', 'Ese certificado ya no está en la lista.');
  const password = c.password ?? (record.rememberPassword ? await core.secrets.get(secretAccounts.certificatePassword(record.id)) : null);
  if (password === null || password === undefined) throw new AppError('SIGN_PASSWORD_REQUIRED', 'Escriba la contraseña del certificado.');
  return { path: record.path, password };
}
