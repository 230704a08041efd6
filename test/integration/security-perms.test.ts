/**
 * Issue 13: the data folder is private at every start (0700, database/keys/uploads 0600), also when it already
 * existed with looser modes; credentials go only over https (or to loopback) from settings, calls and CLI flags.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../src-main/core/context';
import { createHandlers, dispatch } from '../../src-main/services';
import { tempDir } from '../helpers/temp-home';

const cli = path.resolve(__dirname, '..', '..', 'bin', 'casilla.cjs');
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('data folder permissions', () => {
  it('fixes an existing folder with loose modes at start', async () => {
    const t = tempDir();
    try {
      fs.chmodSync(t.dir, 0o755);
      fs.writeFileSync(path.join(t.dir, 'casilla.sqlite'), '', { mode: 0o644 });
      fs.chmodSync(path.join(t.dir, 'casilla.sqlite'), 0o644);
      fs.mkdirSync(path.join(t.dir, 'uploads', 'u1'), { recursive: true, mode: 0o755 });
      fs.writeFileSync(path.join(t.dir, 'uploads', 'u1', 'a.pdf'), 'x', { mode: 0o644 });
      fs.mkdirSync(path.join(t.dir, 'sandbox'), { mode: 0o755 });
      fs.writeFileSync(path.join(t.dir, 'sandbox', 'receipt-key.pem'), 'k', { mode: 0o644 });
      fs.chmodSync(path.join(t.dir, 'sandbox', 'receipt-key.pem'), 0o644);
      // A symlink in the folder is not followed (its target is not ours to change).
      const outside = tempDir();
      fs.writeFileSync(path.join(outside.dir, 'f'), 'x', { mode: 0o644 });
      fs.chmodSync(path.join(outside.dir, 'f'), 0o644);
      fs.symlinkSync(path.join(outside.dir, 'f'), path.join(t.dir, 'uploads', 'u1', 'link'));
      const core = openCore({ home: t.dir, shell: 'cli' });
      core.audit.append({ action: 'x' });
      expect(mode(t.dir)).toBe(0o700);
      expect(mode(path.join(t.dir, 'casilla.sqlite'))).toBe(0o600);
      expect(mode(path.join(t.dir, 'uploads'))).toBe(0o700);
      expect(mode(path.join(t.dir, 'uploads', 'u1'))).toBe(0o700);
      expect(mode(path.join(t.dir, 'uploads', 'u1', 'a.pdf'))).toBe(0o600);
      expect(mode(path.join(t.dir, 'sandbox', 'receipt-key.pem'))).toBe(0o600);
      expect(mode(path.join(outside.dir, 'f'))).toBe(0o644);
      await core.close();
      outside.cleanup();
    } finally {
      t.cleanup();
    }
  });

  it('creates a fresh database 0600 and its WAL 0600 under a permissive umask', async () => {
    const t = tempDir();
    const old = process.umask(0o022);
    try {
      const home = path.join(t.dir, 'nuevo');
      const core = openCore({ home, shell: 'cli' });
      core.audit.append({ action: 'x' });
      expect(mode(home)).toBe(0o700);
      expect(mode(path.join(home, 'casilla.sqlite'))).toBe(0o600);
      if (fs.existsSync(path.join(home, 'casilla.sqlite-wal'))) expect(mode(path.join(home, 'casilla.sqlite-wal'))).toBe(0o600);
      await core.close();
    } finally {
      process.umask(old);
      t.cleanup();
    }
  });
});

describe('credentials only over https (or to this machine)', () => {
  it('refuses an http backend profile on another host, accepts https and loopback http', async () => {
    const t = tempDir();
    const core = openCore({ home: t.dir, shell: 'cli' });
    try {
      const table = createHandlers();
      const save = (baseUrl: string) =>
        dispatch(table, core, 'profiles.save', { profile: { name: 'P', baseUrl, clientId: 'c', authScheme: 'none' } });
      const bad = await save('http://casilla.example.gob.cl');
      expect(bad.ok).toBe(false);
      expect(JSON.stringify(bad)).toContain('https://');
      expect((await save('http://192.168.1.10:8080')).ok).toBe(false);
      expect((await save('https://casilla.example.gob.cl')).ok).toBe(true);
      expect((await save('http://127.0.0.1:8080')).ok).toBe(true);
      const tsa = await dispatch(table, core, 'sign.start', {
        files: [path.join(t.dir, 'x.pdf')],
        certificate: { p12Path: path.join(t.dir, 'x.p12'), password: 'x' },
        options: { level: 'B-T', tsa: { url: 'http://tsa.example.com/tsr', username: 'u', password: 'p' } },
      });
      expect(tsa.ok).toBe(false);
      if (!tsa.ok) expect(tsa.error.code).toBe('BAD_INPUT');
    } finally {
      await core.close();
      t.cleanup();
    }
  });

  it('the CLI refuses --tsa and --backend over plain http to another host (exit 2)', () => {
    const t = tempDir();
    try {
      const sign = spawnSync(
        process.execPath,
        [cli, '--home', t.dir, 'sign', 'in.pdf', '-o', 'out.pdf', '--p12', 'x.p12', '--tsa', 'http://tsa.example.com'],
        {
          encoding: 'utf8',
          env: { ...process.env },
        },
      );
      expect(sign.status).toBe(2);
      expect(sign.stderr).toContain('https://');
      const send = spawnSync(
        process.execPath,
        [
          cli,
          '--home',
          t.dir,
          'send',
          '--to',
          '12.345.678-5',
          '--type',
          'NT',
          '--subject',
          's',
          '--body',
          'b',
          '--backend',
          'http://casilla.example.gob.cl',
          '--client-id',
          'c',
          '--client-secret-env',
          'SB_SECRET',
        ],
        { encoding: 'utf8', env: { ...process.env, SB_SECRET: 'x' } },
      );
      expect(send.status).toBe(2);
      expect(send.stderr).toContain('https://');
    } finally {
      t.cleanup();
    }
  });
});
