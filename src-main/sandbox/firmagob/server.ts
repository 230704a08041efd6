/**
 * FirmaGob simulator: the documented endpoint `POST /firma/v2/files/tickets` in hash mode, on 127.0.0.1.
 * It checks what the real service checks (the API key, the JWT's HS256 signature with the institution's
 * secret, its entity, RUN, expiration and purpose, and for the attended purpose a one-time password in the
 * `OTP` header) and answers with a detached CMS per hash, signed with the official's certificate from its
 * own "Estado" test CA (`state-ca.ts`). Error texts of the real API are not public: these are ours.
 *
 * Training aid (not in the real API): `GET /sandbox/firmagob/otp?run=<RUN>` issues the official's current OTP
 * (what the FirmaGob app would show), and `GET /sandbox/firmagob/ca-estado.pem` serves the root to trust.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildCadesSignature } from '../../core/signing/cades-builder';
import { schemeFor } from '../../core/signing/signature-algorithms';
import { readSmallBody, sendJson } from '../http-util';
import { StateCa } from './state-ca';
import { checkJwtHs256, chileLocalTime, type JwtProblem } from '../../core/signing/firmagob/jwt';

export const PURPOSE_UNATTENDED = 'Desatendido';
export const PURPOSE_ATTENDED = 'Propósito General';

export type FirmaGobEntity = { entity: string; apiKey: string; secret: string; officials: Record<string, string> };

export type FirmaGobSimulatorOptions = {
  dataDir: string;
  port?: number;
  /** Defaults to the sandbox institution of the official examples (own secret). */
  entities?: FirmaGobEntity[];
  /** How long an issued OTP stays valid; default 60 s. */
  otpTtlMs?: number;
  /** Most hashes per request. */
  maxHashes?: number;
};

export type RunningFirmaGob = {
  baseUrl: string;
  rootPemFile: string;
  rootPem: string;
  entities: FirmaGobEntity[];
  /** Issues the official's OTP, as the FirmaGob app would show it. */
  issueOtp(run: string): string;
  close(): Promise<void>;
};

export const SANDBOX_ENTITY: FirmaGobEntity = {
  entity: 'Subsecretaría General de la Presidencia',
  apiKey: 'sandbox',
  secret: 'secreto-del-simulador-firmagob',
  officials: { '22222222': 'USUARIO DE PRUEBA FIRMAGOB', '11111111': 'FUNCIONARIA DE PRUEBA' },
};

type Claims = { entity?: unknown; run?: unknown; expiration?: unknown; purpose?: unknown };

const TOKEN_REFUSED: Record<JwtProblem, [string, string]> = {
  malformed: ['TOKEN', 'Token JWT mal formado.'],
  unreadable: ['TOKEN', 'Token JWT ilegible.'],
  alg: ['TOKEN', 'El token debe firmarse con HS256.'],
  signature: ['TOKEN_SIGNATURE', 'La firma del token no corresponde a la clave secreta de la institución.'],
};

export async function startFirmaGobSimulator(options: FirmaGobSimulatorOptions): Promise<RunningFirmaGob> {
  const ca = await StateCa.load(options.dataDir);
  const entities = options.entities ?? [SANDBOX_ENTITY];
  const otpTtl = options.otpTtlMs ?? 60_000;
  const maxHashes = options.maxHashes ?? 20;
  const otps = new Map<string, { code: string; expires: number }>();
  let requestId = 1000;

  const issueOtp = (run: string): string => {
    const code = String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
    otps.set(run, { code, expires: Date.now() + otpTtl });
    return code;
  };

  const fail = (res: http.ServerResponse, status: number, error: string, detail: string): void =>
    sendJson(res, status, { error, mensaje: detail });

  async function tickets(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: { api_token_key?: unknown; token?: unknown; hashes?: unknown; files?: unknown };
    try {
      body = JSON.parse(await readSmallBody(req, 256 * 1024)) as typeof body;
    } catch {
      return fail(res, 400, 'BAD_REQUEST', 'El cuerpo no es JSON válido.');
    }
    const ent = entities.find((e) => e.apiKey === body.api_token_key);
    if (!ent) return fail(res, 401, 'API_KEY', 'api_token_key desconocida.');
    const checked = checkJwtHs256(typeof body.token === 'string' ? body.token : '', ent.secret);
    if (!checked.ok) return fail(res, 401, ...TOKEN_REFUSED[checked.problem]);
    const claims = (typeof checked.claims === 'object' && checked.claims !== null ? checked.claims : {}) as Claims;
    if (claims.entity !== ent.entity) return fail(res, 401, 'ENTITY', 'La entidad del token no corresponde a la api_token_key.');
    if (typeof claims.expiration !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(claims.expiration))
      return fail(res, 401, 'TOKEN', 'expiration debe tener la forma aaaa-MM-ddTHH:mm:ss.');
    if (claims.expiration < chileLocalTime(new Date())) return fail(res, 401, 'TOKEN_EXPIRED', 'El token expiró.');
    const run = typeof claims.run === 'string' ? claims.run : '';
    const name = ent.officials[run];
    if (!name) return fail(res, 401, 'RUN', `El RUN ${run || '(vacío)'} no tiene firma avanzada en esta institución.`);
    let otpExpired = false;
    if (claims.purpose === PURPOSE_ATTENDED) {
      const otp = req.headers.otp;
      if (typeof otp !== 'string' || otp === '') return fail(res, 401, 'OTP_REQUIRED', 'El propósito atendido necesita el OTP.');
      const current = otps.get(run);
      if (!current || current.code !== otp) return fail(res, 401, 'OTP_INVALID', 'OTP incorrecto.');
      otps.delete(run);
      otpExpired = current.expires < Date.now();
    } else if (claims.purpose !== PURPOSE_UNATTENDED) {
      return fail(res, 401, 'PURPOSE', 'purpose debe ser "Desatendido" o "Propósito General".');
    }
    if (!Array.isArray(body.hashes)) return fail(res, 400, 'BAD_REQUEST', 'Este simulador firma en modo hash: envíe "hashes".');
    if (body.hashes.length === 0 || body.hashes.length > maxHashes)
      return fail(res, 400, 'BAD_REQUEST', `Envíe entre 1 y ${maxHashes} hashes.`);
    const { official, bodyCa } = await ca.official(ent.entity, run, name);
    const out: Array<Record<string, unknown>> = [];
    let signed = 0;
    for (const item of body.hashes as Array<{ content?: unknown }>) {
      const content = typeof item?.content === 'string' ? item.content : '';
      const digest = Buffer.from(content, 'base64');
      if (otpExpired || digest.length !== 32 || digest.toString('base64') !== content) {
        out.push({ content: null, status: 'FAILED', contentType: 'application/pdf', documentStatus: 'RECHAZADO', hashOriginal: content });
        continue;
      }
      const cms = await buildCadesSignature({
        documentDigest: digest,
        digest: 'sha256',
        scheme: schemeFor(official.privateKey, false),
        privateKey: official.privateKey,
        certificate: official.certificate,
        chain: [bodyCa.certificate, ca.root.certificate],
      });
      signed++;
      out.push({
        content: cms.toString('base64'),
        status: 'OK',
        contentType: 'application/pkcs7-signature',
        documentStatus: 'FIRMADO',
        hashOriginal: content,
      });
    }
    sendJson(res, 200, {
      hashes: out,
      metadata: { otpExpired, hashesSigned: signed, signedFailed: out.length - signed, hashesReceived: out.length },
      idSolicitud: ++requestId,
    });
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = `${req.method ?? ''} ${url.pathname}`;
    const handle = async (): Promise<void> => {
      if (route === 'POST /firma/v2/files/tickets') return tickets(req, res);
      if (route === 'GET /sandbox/firmagob/otp') {
        const run = url.searchParams.get('run') ?? '';
        if (!entities.some((e) => e.officials[run])) return fail(res, 404, 'RUN', 'RUN desconocido.');
        return sendJson(res, 200, { run, otp: issueOtp(run), expiresInSeconds: Math.round(otpTtl / 1000) });
      }
      if (route === 'GET /sandbox/firmagob/ca-estado.pem') {
        res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(ca.root.pem);
        return;
      }
      fail(res, 404, 'NOT_FOUND', 'Ruta desconocida.');
    };
    handle().catch((err: unknown) => {
      if (!res.headersSent) fail(res, 500, 'INTERNAL', err instanceof Error ? err.message : String(err));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    rootPemFile: ca.rootFile,
    rootPem: ca.root.pem,
    entities,
    issueOtp,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
