/**
 * FirmaGob's token: a JWT signed with HS256 and the institution's secret, whose `expiration` is Chile's local
 * time without a zone. One module for both ends: the client signs it, the simulator (`sandbox/firmagob/`)
 * checks it, so the two cannot drift apart.
 */
import crypto from 'node:crypto';
import { zonedParts } from '../../zoned-time';

/** "yyyy-MM-ddTHH:mm:ss" in Chile (America/Santiago), the clock FirmaGob reads `expiration` with. */
export function chileLocalTime(d: Date): string {
  const z = zonedParts(d, 'America/Santiago');
  return `${z.year}-${z.month}-${z.day}T${z.hour}:${z.minute}:${z.second}`;
}

function hs256(signingInput: string, secret: string): Buffer {
  return crypto.createHmac('sha256', secret).update(signingInput).digest();
}

/** A compact JWT (header `{"alg":"HS256","typ":"JWT"}`) carrying `claims`. */
export function signJwtHs256(claims: Record<string, unknown>, secret: string): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const signingInput = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${signingInput}.${hs256(signingInput, secret).toString('base64url')}`;
}

/** Why a token was refused: not three parts, parts not base64url JSON, another algorithm, or a wrong signature. */
export type JwtProblem = 'malformed' | 'unreadable' | 'alg' | 'signature';

/** Checks an HS256 token against `secret` (in constant time) and returns its claims; never throws. */
export function checkJwtHs256(token: string, secret: string): { ok: true; claims: unknown } | { ok: false; problem: JwtProblem } {
  const [h, p, s, extra] = token.split('.');
  if (!h || !p || !s || extra !== undefined) return { ok: false, problem: 'malformed' };
  let header: unknown;
  let claims: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, problem: 'unreadable' };
  }
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'HS256') return { ok: false, problem: 'alg' };
  const expected = hs256(`${h}.${p}`, secret);
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, problem: 'signature' };
  return { ok: true, claims };
}
