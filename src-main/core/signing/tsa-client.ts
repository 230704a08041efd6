/**
 * RFC 3161 client: asks a time-stamping authority for a token over the signature value (the PAdES B-T
 * signature timestamp). HTTP(S) POST of a TimeStampReq, optional Basic authentication, bounded response
 * size and time. Failures are SIGN_TSA_FAILED with the reason.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { AppError } from '../../api/result';
import { child, children, der, integer as readInteger, parseDer } from './der';
import { bool, integer, octetString, seq } from './der-writer';
import { SignErrorCodes } from './sign-errors';
import { digestAlgorithmId, type DigestName } from './signature-algorithms';

export type TsaConfig = { url: string; username?: string; password?: string; timeoutMs?: number };

const MAX_RESPONSE = 1 << 20;

/** Why a TSA failed, as a code the UI translates (`settings.tsa.failure.<kind>`); `reason` is the Spanish text. */
export type TsaFailureKind = 'credentials' | 'http' | 'rejected' | 'timeout' | 'network' | 'invalid' | 'url';

function tsaError(reason: string, kind: TsaFailureKind, cause?: unknown, extra: Record<string, string | number> = {}): AppError {
  return new AppError(SignErrorCodes.tsaFailed, `No se pudo obtener el sello de tiempo: ${reason}.`, { reason, kind, ...extra }, { cause });
}

export async function requestTimestamp(tsa: TsaConfig, signatureValue: Buffer, digest: DigestName, signal?: AbortSignal): Promise<Buffer> {
  return requestTimestampForImprint(tsa, crypto.createHash(digest).update(signatureValue).digest(), digest, signal);
}

/** A token over an imprint already computed (a document timestamp: the digest of the PDF's byte ranges). */
export async function requestTimestampForImprint(
  tsa: TsaConfig,
  imprint: Buffer,
  digest: DigestName,
  signal?: AbortSignal,
): Promise<Buffer> {
  const nonce = crypto.randomBytes(8);
  const request = seq(integer(1), seq(digestAlgorithmId(digest), octetString(imprint)), integer(nonce), bool(true));
  const body = await post(tsa, request, signal);
  let token: Buffer;
  try {
    const resp = parseDer(body);
    const status = readInteger(child(child(resp, 0), 0));
    if (status !== 0 && status !== 1) throw tsaError(`la TSA rechazó la solicitud (estado ${status})`, 'rejected', undefined, { status });
    const tokenNode = children(resp)[1];
    if (!tokenNode) throw tsaError('la respuesta no trae sello', 'invalid');
    token = der(tokenNode);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw tsaError('respuesta ilegible', 'invalid', err);
  }
  // The token must be over our imprint: a TSA answering another request would make the signature invalid.
  if (token.indexOf(imprint) < 0) throw tsaError('el sello no corresponde a la firma', 'invalid');
  return token;
}

function post(tsa: TsaConfig, payload: Buffer, signal?: AbortSignal): Promise<Buffer> {
  let url: URL;
  try {
    url = new URL(tsa.url);
  } catch (err) {
    return Promise.reject(tsaError('dirección de TSA inválida', 'url', err));
  }
  const lib = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
  if (!lib) return Promise.reject(tsaError('la dirección debe ser http o https', 'url'));
  const headers: Record<string, string | number> = { 'Content-Type': 'application/timestamp-query', 'Content-Length': payload.length };
  if (tsa.username !== undefined)
    headers.Authorization = 'Basic ' + Buffer.from(`${tsa.username}:${tsa.password ?? ''}`).toString('base64');
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method: 'POST', headers, timeout: tsa.timeoutMs ?? 30_000, ...(signal ? { signal } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_RESPONSE) {
          req.destroy();
          reject(tsaError('respuesta demasiado grande', 'invalid'));
        } else chunks.push(c);
      });
      res.on('end', () => {
        if (res.statusCode === 401 || res.statusCode === 403)
          reject(tsaError('usuario o contraseña de la TSA incorrectos', 'credentials', undefined, { status: res.statusCode ?? 0 }));
        else if (res.statusCode !== 200)
          reject(tsaError(`HTTP ${res.statusCode ?? '?'}`, 'http', undefined, { status: res.statusCode ?? 0 }));
        else resolve(Buffer.concat(chunks));
      });
      res.on('error', (e) => reject(tsaError('conexión interrumpida', 'network', e)));
    });
    req.on('timeout', () => req.destroy(tsaError('tiempo de espera agotado', 'timeout')));
    req.on('error', (e) => reject(e instanceof AppError ? e : tsaError(e.message, 'network', e)));
    req.end(payload);
  });
}
