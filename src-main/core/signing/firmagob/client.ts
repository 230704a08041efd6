/**
 * FirmaGob (Chile) in hash mode: our signer computes the SHA-256 of the PDF's byte ranges, FirmaGob returns a
 * detached CMS signed with the official's advanced signature, and we embed it. No document leaves the machine.
 *
 * The JWT is HS256 with the institution's secret; `expiration` is Chile's local time without a zone (now + 5
 * min). Failure contract: AppError with a FIRMAGOB_* code and a Spanish message saying what to do; since the
 * CMS is asked for before anything is committed, a failure leaves no output file.
 */
import http from 'node:http';
import https from 'node:https';
import * as asn1js from 'asn1js';
import { AppError } from '../../../api/result';
import { CmsOid, parseCms, signedAttribute } from '../../verify/cms';
import type { CertificateSummary } from '../certificate-summary';
import type { ExternalSigner } from '../pades-signer';
import { chileLocalTime, signJwtHs256 } from './jwt';

export const FIRMAGOB_TEST_URL = 'https://api.firma.cert.digital.gob.cl';
export const FIRMAGOB_PRODUCTION_URL = 'https://api.firma.digital.gob.cl';

export type FirmaGobPurpose = 'Desatendido' | 'Propósito General';

export type FirmaGobConfig = {
  baseUrl: string;
  entity: string;
  apiKey: string;
  secret: string;
  /** The official's RUN without dots, dash or check digit. */
  run: string;
  purpose: FirmaGobPurpose;
  /** The one-time password, for the attended purpose. */
  otp?: string;
  /** Name shown on the stamp (the certificate is only known after signing). */
  officialName?: string;
  timeoutMs?: number;
  now?: () => Date;
};

const MAX_RESPONSE = 2 * 1024 * 1024;
/** The official example reserves 15,000 bytes for FirmaGob's CMS. */
export const FIRMAGOB_CMS_ROOM = 15_000;

function fgError(code: string, message: string, cause?: unknown): AppError {
  return new AppError(code, message, {}, cause === undefined ? undefined : { cause });
}

/** Checks the settings before any call; a missing piece is said plainly. */
export function checkFirmaGobConfig(c: Partial<FirmaGobConfig>): asserts c is FirmaGobConfig {
  const missing: string[] = [];
  if (!c.baseUrl) missing.push('la dirección del servicio');
  if (!c.entity) missing.push('la entidad');
  if (!c.apiKey) missing.push('la API key');
  if (!c.secret) missing.push('la clave secreta');
  if (!c.run) missing.push('el RUN del funcionario');
  if (missing.length)
    throw fgError('FIRMAGOB_NOT_CONFIGURED', `Falta configurar FirmaGob: ${missing.join(', ')} (Configuración → FirmaGob).`);
  if (!/^\d{6,9}$/.test(c.run ?? ''))
    throw fgError('FIRMAGOB_BAD_RUN', 'El RUN del funcionario va sin puntos, guion ni dígito verificador (p. ej. 22222222).');
  let u: URL;
  try {
    u = new URL(c.baseUrl ?? '');
  } catch (err) {
    throw fgError('FIRMAGOB_NOT_CONFIGURED', `La dirección de FirmaGob no es válida: ${c.baseUrl}.`, err);
  }
  const local = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local))
    throw fgError('FIRMAGOB_NOT_CONFIGURED', 'FirmaGob se llama solo por https (http únicamente para el simulador local).');
  if (c.purpose === 'Propósito General' && !c.otp)
    throw fgError(
      'FIRMAGOB_OTP_REQUIRED',
      'El propósito atendido necesita la clave de un solo uso (OTP) de la aplicación FirmaGob del funcionario. No se firmó nada.',
    );
}

/** The request's JWT: entity, RUN, `expiration` 5 minutes ahead in Chile's local time, purpose, issued-at. */
export function firmaGobToken(c: FirmaGobConfig, now: Date, localTime: (d: Date) => string = chileLocalTime): string {
  return signJwtHs256(
    {
      entity: c.entity,
      run: c.run,
      expiration: localTime(new Date(now.getTime() + 5 * 60_000)),
      purpose: c.purpose,
      iat: Math.floor(now.getTime() / 1000),
    },
    c.secret,
  );
}

type TicketAnswer = {
  hashes?: Array<{ content?: string | null; status?: string }>;
  metadata?: { otpExpired?: boolean; hashesSigned?: number; signedFailed?: number };
  error?: string;
  mensaje?: string;
};

/** Asks FirmaGob for a CMS over one document digest (SHA-256 of the byte ranges) and checks it before use. */
export async function signDigestWithFirmaGob(config: FirmaGobConfig, digest: Buffer, signal?: AbortSignal): Promise<Buffer> {
  checkFirmaGobConfig(config);
  const now = config.now?.() ?? new Date();
  const body = JSON.stringify({
    api_token_key: config.apiKey,
    token: firmaGobToken(config, now),
    hashes: [{ 'content-type': 'application/pdf', content: digest.toString('base64') }],
  });
  const headers: Record<string, string> = {};
  if (config.purpose === 'Propósito General' && config.otp) headers.OTP = config.otp;
  const { status, text } = await post(
    `${config.baseUrl.replace(/\/$/, '')}/firma/v2/files/tickets`,
    body,
    headers,
    config.timeoutMs ?? 30_000,
    signal,
  );
  let answer: TicketAnswer;
  try {
    answer = JSON.parse(text) as TicketAnswer;
  } catch (err) {
    throw fgError('FIRMAGOB_BAD_ANSWER', `FirmaGob respondió algo ilegible (HTTP ${status}). No se firmó nada.`, err);
  }
  if (status !== 200) throw refusal(status, answer);
  if (answer.metadata?.otpExpired)
    throw fgError(
      'FIRMAGOB_OTP_EXPIRED',
      'La clave OTP expiró antes de usarse: pida una nueva en la aplicación FirmaGob y vuelva a firmar. No se firmó nada.',
    );
  const item = answer.hashes?.[0];
  if (!item || item.status !== 'OK' || !item.content || (answer.metadata?.signedFailed ?? 0) > 0)
    throw fgError(
      'FIRMAGOB_PARTIAL',
      `FirmaGob no firmó el documento (${answer.metadata?.hashesSigned ?? 0} firmado(s), ${answer.metadata?.signedFailed ?? 1} con error). No se escribió ningún archivo.`,
    );
  const cms = Buffer.from(item.content, 'base64');
  // The CMS must be over our digest: anything else would embed a signature that does not match the file.
  let messageDigest: Buffer | null = null;
  try {
    const parsed = parseCms(cms);
    const attr = signedAttribute(parsed.signerInfo, CmsOid.messageDigest);
    if (attr instanceof asn1js.OctetString) messageDigest = Buffer.from(attr.valueBlock.valueHexView);
  } catch (err) {
    throw fgError('FIRMAGOB_BAD_ANSWER', 'FirmaGob devolvió una firma CMS ilegible. No se escribió ningún archivo.', err);
  }
  if (!messageDigest || !messageDigest.equals(digest))
    throw fgError('FIRMAGOB_BAD_ANSWER', 'La firma devuelta por FirmaGob no corresponde a este documento. No se escribió ningún archivo.');
  return cms;
}

function refusal(status: number, a: TicketAnswer): AppError {
  const code = a.error ?? '';
  const detail = a.mensaje ? ` (FirmaGob: ${a.mensaje})` : '';
  const tail = ' No se firmó nada.';
  if (code === 'TOKEN_SIGNATURE')
    return fgError(
      'FIRMAGOB_BAD_SECRET',
      `FirmaGob rechazó el token: la clave secreta de la institución no es la correcta (revísela en Configuración).${tail}`,
    );
  if (code === 'TOKEN_EXPIRED')
    return fgError('FIRMAGOB_TOKEN_EXPIRED', `FirmaGob dice que el token expiró: revise la fecha y hora de este equipo.${tail}`);
  if (code === 'OTP_REQUIRED')
    return fgError('FIRMAGOB_OTP_REQUIRED', `El propósito atendido necesita la clave OTP de la aplicación FirmaGob.${tail}`);
  if (code === 'OTP_INVALID') return fgError('FIRMAGOB_OTP_INVALID', `La clave OTP no es correcta.${tail}`);
  if (code === 'API_KEY' || code === 'ENTITY')
    return fgError('FIRMAGOB_BAD_API_KEY', `FirmaGob no reconoce la API key o la entidad de la institución${detail}.${tail}`);
  if (code === 'RUN')
    return fgError('FIRMAGOB_RUN_UNKNOWN', `El RUN configurado no tiene firma avanzada en FirmaGob para esta institución.${tail}`);
  return fgError('FIRMAGOB_REFUSED', `FirmaGob rechazó la solicitud (HTTP ${status})${detail}.${tail}`);
}

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        timeout: timeoutMs,
        ...(signal ? { signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE) req.destroy(fgError('FIRMAGOB_BAD_ANSWER', 'La respuesta de FirmaGob es demasiado grande.'));
          else chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(fgError('FIRMAGOB_UNREACHABLE', 'FirmaGob no respondió a tiempo. No se firmó nada.')));
    req.on('error', (e) =>
      reject(
        e instanceof AppError
          ? e
          : fgError('FIRMAGOB_UNREACHABLE', `No se pudo conectar con FirmaGob (${e.message}). No se firmó nada.`, e),
      ),
    );
    req.end(body);
  });
}

/** The signer the PAdES signer takes: FirmaGob's CMS at the CMS level, a stamp with the configured name and RUN. */
export function firmaGobSigner(config: FirmaGobConfig): ExternalSigner {
  checkFirmaGobConfig(config);
  const summary: CertificateSummary = {
    name: config.officialName ?? `RUN ${config.run}`,
    organization: config.entity,
    nationalId: { kind: 'RUN', number: config.run },
    issuer: 'FirmaGob',
    serialNumber: '',
    validFrom: '',
    validTo: '',
    keyUsage: [],
    keyAlgorithm: 'otro',
    fingerprintSha256: `firmagob-${config.run}`,
  };
  return {
    summary,
    external: {
      estimate: FIRMAGOB_CMS_ROOM,
      subFilter: 'ETSI.CAdES.detached',
      provide: (digest, signal) => signDigestWithFirmaGob(config, digest, signal),
    },
  };
}
