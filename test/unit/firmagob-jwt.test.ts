import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkJwtHs256, chileLocalTime, signJwtHs256 } from '../../src-main/core/signing/firmagob/jwt';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('FirmaGob JWT (HS256), shared by the client and the simulator', () => {
  it('signs a token that an independent HMAC-SHA256 accepts, and checks it back', () => {
    const token = signJwtHs256({ entity: 'Subsecretaría', run: '22222222' }, 'secreto');
    const [h, p, s] = token.split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(s).toBe(crypto.createHmac('sha256', 'secreto').update(`${h}.${p}`).digest('base64url'));
    expect(checkJwtHs256(token, 'secreto')).toEqual({ ok: true, claims: { entity: 'Subsecretaría', run: '22222222' } });
  });

  it('refuses another secret, altered claims, another algorithm, extra parts and unreadable parts', () => {
    const token = signJwtHs256({ run: '22222222' }, 'secreto');
    const [h, , s] = token.split('.');
    expect(checkJwtHs256(token, 'otro')).toEqual({ ok: false, problem: 'signature' });
    expect(checkJwtHs256(`${h}.${b64({ run: '11111111' })}.${s}`, 'secreto')).toEqual({ ok: false, problem: 'signature' });
    expect(checkJwtHs256(`${h}.${b64({ run: '22222222' })}.`, 'secreto')).toEqual({ ok: false, problem: 'malformed' });
    const none = `${b64({ alg: 'none' })}.${b64({ run: '22222222' })}`;
    expect(checkJwtHs256(`${none}.${crypto.createHmac('sha256', 'secreto').update(none).digest('base64url')}`, 'secreto')).toEqual({
      ok: false,
      problem: 'alg',
    });
    expect(checkJwtHs256(`${token}.extra`, 'secreto')).toEqual({ ok: false, problem: 'malformed' });
    expect(checkJwtHs256('a.b.c', 'secreto')).toEqual({ ok: false, problem: 'unreadable' });
  });

  it('writes expiration in Chile local time, summer (UTC-3) and winter (UTC-4)', () => {
    expect(chileLocalTime(new Date('2026-01-15T12:00:05Z'))).toBe('2026-01-15T09:00:05');
    expect(chileLocalTime(new Date('2026-07-15T04:30:00Z'))).toBe('2026-07-15T00:30:00');
  });
});
