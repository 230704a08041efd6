/**
 * The app lock's state (per process: every window and tab of this core is locked together) and its password:
 * scrypt (node:crypto; N=2^15, r=8, p=1, 16-byte salt) stored as one string in the settings; the clear password
 * is never stored.
 */
import crypto from 'node:crypto';
import { AppError } from '../../api/result';
import type { CoreContext } from '../context';

const HASH_KEY = 'lock.passwordHash';
const N = 1 << 15;
const R = 8;
const P = 1;

type LockState = { locked: boolean; consentNeeded: boolean };
const states = new WeakMap<object, LockState>();

function state(core: object): LockState {
  let s = states.get(core);
  if (!s) {
    s = { locked: false, consentNeeded: false };
    states.set(core, s);
  }
  return s;
}

function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    crypto.scrypt(password.normalize('NFC'), salt, 32, { N: n, r, p, maxmem: 256 * n * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function passwordMatches(stored: string, password: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const got = await scrypt(password, Buffer.from(salt, 'base64'), Number(n), Number(r), Number(p));
  return got.length === expected.length && crypto.timingSafeEqual(got, expected);
}

export function lockStatus(core: CoreContext): { hasPassword: boolean; locked: boolean } {
  return { hasPassword: Boolean(core.settings.get<string>(HASH_KEY)), locked: state(core).locked };
}

export function isLocked(core: object): boolean {
  return state(core).locked;
}

export async function setLockPassword(core: CoreContext, password: string, current?: string): Promise<void> {
  const stored = core.settings.get<string>(HASH_KEY);
  if (stored && !(current !== undefined && (await passwordMatches(stored, current)))) {
    throw new AppError('LOCK_PASSWORD_EXISTS', 'Para cambiar la contraseña de la aplicación, escriba la actual.');
  }
  core.settings.set(HASH_KEY, await hashPassword(password));
  core.audit.append({ action: stored ? 'session.password.change' : 'session.password.set' });
}

export function lockNow(core: CoreContext): void {
  const s = state(core);
  if (!s.locked) core.audit.append({ action: 'session.lock' });
  s.locked = true;
  s.consentNeeded = true;
}

export async function unlock(core: CoreContext, password: string): Promise<void> {
  const stored = core.settings.get<string>(HASH_KEY);
  if (!stored) throw new AppError('LOCK_NO_PASSWORD', 'Primero cree la contraseña de la aplicación.');
  if (!(await passwordMatches(stored, password))) {
    core.audit.append({ action: 'session.unlock.failed' });
    throw new AppError('LOCK_BAD_PASSWORD', 'La contraseña de la aplicación no es correcta.');
  }
  state(core).locked = false;
  core.audit.append({ action: 'session.unlock' });
}

/** After a lock, a remembered certificate password is used only once the user typed it again (consent). */
export function rememberedPasswordAllowed(core: object): boolean {
  return !state(core).consentNeeded;
}

export function consentGiven(core: object): void {
  state(core).consentNeeded = false;
}

/** Renderer calls allowed while locked: the lock itself and harmless reads the lock screen needs. */
export const CALLS_WHILE_LOCKED = new Set([
  'lock.status',
  'lock.setPassword',
  'lock.unlock',
  'lock.lock',
  'app.ping',
  'app.info',
  'settings.get',
]);
