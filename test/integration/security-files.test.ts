/**
 * Issue 13, "file access by grant": with a valid session token the web host still cannot be made to read a file
 * the user did not pick (e.g. /etc/passwd) or to write outside the data folder. The CLI keeps plain paths.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createHandlers, dispatch } from '../../src-main/services';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { tempCore, tempDir } from '../helpers/temp-home';

type Answer = { ok: boolean; value?: Record<string, unknown>; error?: { code: string; message: string } };

function post(port: number, token: string, urlPath: string, body: string | Buffer): Promise<{ status: number; json: Answer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: urlPath,
        headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Answer }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('file access from the renderer (web host with a valid token)', () => {
  let env: ReturnType<typeof tempCore>;
  let host: WebHost;
  let outside: ReturnType<typeof tempDir>;
  const call = async (method: string, input: unknown) =>
    (await post(host.port, host.token, '/api/call', JSON.stringify({ method, input }))).json;
  const upload = async (name: string, bytes: Buffer) =>
    (await post(host.port, host.token, `/api/upload?name=${encodeURIComponent(name)}`, bytes)).json.value as { path: string };

  beforeAll(async () => {
    env = tempCore({ shell: 'browser' });
    outside = tempDir('casilla-outside-');
    host = await startWebHost({ core: env.core, table: createHandlers(), staticDir: outside.dir });
  });
  afterAll(async () => {
    await host.close();
    await env.cleanup();
    outside.cleanup();
  });

  it('refuses to read /etc/passwd through compose.importCsv, verify.files, verify.revisionData, sign.inspectPdf and sign.start', async () => {
    for (const [method, input] of [
      ['compose.importCsv', { path: '/etc/passwd' }],
      ['compose.checkAttachment', { path: '/etc/passwd', name: 'passwd.pdf' }],
      ['verify.files', { files: ['/etc/passwd'] }],
      ['verify.revisionData', { file: '/etc/passwd', revision: 0 }],
      ['verify.revisionData', { file: '/etc/passwd', revision: 1 }],
      ['verify.files', { files: [path.join(env.home, 'x.pdf')], trust: ['/etc/passwd'] }],
      ['sign.inspectPdf', { path: '/etc/passwd' }],
      ['sign.inspectCertificate', { p12Path: '/etc/passwd', password: 'x' }],
      ['sign.start', { files: ['/etc/passwd'], certificate: { p12Path: '/etc/passwd', password: 'x' } }],
      ['sign.profiles.import', { path: '/etc/passwd' }],
      ['sign.stampImage.check', { path: '/etc/passwd' }],
      ['sign.profiles.save', { profile: { name: 'x', imagePath: '/etc/passwd' } }],
    ] as const) {
      const r = await call(method, input);
      expect(r.ok, method).toBe(false);
      expect(r.error?.code, method).toBe('FILE_NOT_ALLOWED');
      expect(JSON.stringify(r)).not.toContain('root:');
    }
  });

  it('follows symlinks before checking: a link inside the data folder to /etc/passwd is refused', async () => {
    const link = path.join(env.home, 'uploads', 'link.csv');
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync('/etc/passwd', link);
    const r = await call('compose.importCsv', { path: link });
    expect(r.error?.code).toBe('FILE_NOT_ALLOWED');
    const dots = await call('compose.importCsv', { path: path.join(env.home, '..', '..', 'etc', 'passwd') });
    expect(dots.error?.code).toBe('FILE_NOT_ALLOWED');
  });

  it('reads an uploaded file (inside the data folder)', async () => {
    const up = await upload('destinatarios.csv', Buffer.from('rut,nombre\n12.345.678-5,Ana\n'));
    const r = await call('compose.importCsv', { path: up.path });
    expect(r.ok).toBe(true);
  });

  it('refuses to write outside the data folder: verify.reportPdf, sign.start output/outDir, extractRevision', async () => {
    const pdf = writePlainPdf(path.join(outside.dir, 'in.pdf'));
    const up = await upload('in.pdf', fs.readFileSync(pdf));
    const target = path.join(outside.dir, 'escrito.pdf');
    const demo = (await call('app.info', {})).value?.demoCertificate as { path: string; password: string };
    expect(demo, 'the demo certificate is shipped in resources/').toBeTruthy();
    const attempts = [
      ['verify.reportPdf', { files: [up.path], output: target }],
      ['sign.start', { files: [up.path], output: target, certificate: { p12Path: demo.path, password: demo.password } }],
      ['sign.start', { files: [up.path], outDir: outside.dir, certificate: { p12Path: demo.path, password: demo.password } }],
      ['verify.extractRevision', { file: up.path, revision: 1, output: target }],
    ] as const;
    for (const [method, input] of attempts) {
      const r = await call(method, input);
      expect(r.error?.code, method).toBe('FILE_NOT_ALLOWED');
    }
    // A symlinked folder inside the data folder does not lead out either.
    fs.symlinkSync(outside.dir, path.join(env.home, 'salida'));
    const viaLink = await call('verify.reportPdf', { files: [up.path], output: path.join(env.home, 'salida', 'r.pdf') });
    expect(viaLink.error?.code).toBe('FILE_NOT_ALLOWED');
    expect(fs.readdirSync(outside.dir).sort()).toEqual(['in.pdf']);

    // Inside the data folder the same calls work.
    const report = await call('verify.reportPdf', { files: [up.path] });
    expect(report.ok).toBe(true);
    expect(String(report.value?.output).startsWith(fs.realpathSync(env.home) + path.sep)).toBe(true);
    const signed = await call('sign.start', { files: [up.path], certificate: { p12Path: demo.path, password: demo.password } });
    expect(signed.ok).toBe(true);
    expect(signed.value?.signed).toBe(1);
  });

  it('the CLI path (dispatch without the renderer flag) keeps plain paths', async () => {
    const csv = path.join(outside.dir, 'cli.csv');
    fs.writeFileSync(csv, 'rut\n12.345.678-5\n');
    const r = await dispatch(createHandlers(), env.core, 'compose.importCsv', { path: csv });
    expect(r.ok).toBe(true);
    const refused = await dispatch(createHandlers(), env.core, 'compose.importCsv', { path: csv }, { fromRenderer: true });
    expect(refused.ok).toBe(false);
  });
});
