/**
 * Untrusted-file work runs in a worker with a memory cap and a wall-clock limit (core/isolate): a hostile file
 * ends in a clear Spanish AppError, the worker is terminated, and the process keeps answering, through the
 * real local web host (the browser mode) as well as through the core functions.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src-main/api/result';
import { inspectPdfIsolated, verifyPdfIsolated } from '../../src-main/core/isolate/isolated';
import { signPdf } from '../../src-main/core/signing/pades-signer';
import type { FileReport } from '../../src-main/core/verify/report';
import { buildTrustStore, type TrustStore } from '../../src-main/core/verify/trust';
import { verifyPdf } from '../../src-main/core/verify/verify-pdf';
import { startWebHost, type WebHost } from '../../src-main/host/web-host';
import { createHandlers } from '../../src-main/services';
import { objectStreamBombs } from '../helpers/hostile-pdfs';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki } from '../helpers/pki';
import { tempCore, tempDir } from '../helpers/temp-home';

let tmp: { dir: string; cleanup: () => void };
let trust: TrustStore;
const at = (n: string) => path.join(tmp.dir, n);

beforeAll(async () => {
  tmp = tempDir('verify-isolation-');
  trust = buildTrustStore({ cliFiles: [testPki().rootPem] });
  await signPdf({ input: writePlainPdf(at('plain.pdf')), output: at('one.pdf'), signer: pdfTestSigner('rsa'), role: 'firma' });
  objectStreamBombs(at('bombs.pdf'), 100, 64);
  // A catalog with 150 000 keys: small on disk, a large heap once parsed.
  const keys = Array.from({ length: 150_000 }, (_, i) => `/K${i} ${i}`).join(' ');
  const body = `<< /Type /Catalog /Pages 2 0 R ${keys} >>`;
  const head = '%PDF-1.7\n';
  const o1 = head.length;
  const obj1 = `1 0 obj\n${body}\nendobj\n`;
  const o2 = o1 + obj1.length;
  const obj2 = '2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n';
  const x = o2 + obj2.length;
  const pad = (n: number) => String(n).padStart(10, '0');
  fs.writeFileSync(
    at('wide.pdf'),
    `${head}${obj1}${obj2}xref\n0 3\n0000000000 65535 f \n${pad(o1)} 00000 n \n${pad(o2)} 00000 n \ntrailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n${x}\n%%EOF\n`,
  );
});
afterAll(() => tmp.cleanup());

async function errorOf(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('se esperaba un error');
}

describe('verification in a worker', () => {
  it('gives the same report as in-process verification', async () => {
    const isolated = await verifyPdfIsolated(at('one.pdf'), { trust, online: false });
    const local = await verifyPdf(at('one.pdf'), { trust, online: false });
    expect(isolated.signatures[0]).toMatchObject({ intact: true, coverage: 'entire-file', trusted: true });
    const strip = (r: FileReport) => ({ ...r, signatures: r.signatures.map((s) => ({ ...s, notes: s.notes.map((n) => n.code) })) });
    expect(strip(isolated)).toEqual(strip(local));
  });

  it('passes the reader budgets’ errors through unchanged', async () => {
    const e = await errorOf(verifyPdfIsolated(at('bombs.pdf'), { trust, online: false }));
    expect(e.code).toBe('PDF_LIMIT');
    expect(e.message).toMatch(/datos comprimidos en el archivo/);
  });

  it('stops a file that runs past the wall-clock limit with VERIFY_TIMEOUT', async () => {
    const e = await errorOf(verifyPdfIsolated(at('bombs.pdf'), { trust, online: false, wallClockMs: 300 }));
    expect(e.code).toBe('VERIFY_TIMEOUT');
    expect(e.message).toMatch(/superó el límite de 0 s|superó el límite de \d+ s/);
    expect(e.message).toMatch(/bombs\.pdf/);
  });

  it('stops a file that exhausts the heap cap with PDF_TOO_COMPLEX, and the next file is verified', async () => {
    const e = await errorOf(inspectPdfIsolated(at('wide.pdf'), 1, { maxHeapMb: 16 }));
    expect(e.code).toBe('PDF_TOO_COMPLEX');
    expect(e.message).toMatch(/límite de memoria/);
    // Same file with the normal cap: read fine (it only has many keys).
    await expect(inspectPdfIsolated(at('wide.pdf'), 1)).rejects.toMatchObject({ code: 'PDF_INVALID' });
    const r = await verifyPdfIsolated(at('one.pdf'), { trust, online: false });
    expect(r.signatures).toHaveLength(1);
  });
});

describe('the browser-mode host while a hostile file is verified', () => {
  let env: ReturnType<typeof tempCore>;
  let host: WebHost;
  let statics: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    env = tempCore({ shell: 'browser' });
    statics = tempDir();
    fs.writeFileSync(path.join(statics.dir, 'index.html'), '<!doctype html><title>t</title>');
    host = await startWebHost({ core: env.core, table: createHandlers(), staticDir: statics.dir });
  });
  afterAll(async () => {
    await host.close();
    await env.cleanup();
    statics.cleanup();
  });

  const call = (method: string, input: unknown) =>
    new Promise<{ status: number; body: string; at: number }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: host.port,
          method: 'POST',
          path: '/api/call',
          headers: { Host: `127.0.0.1:${host.port}`, Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, at: Date.now() }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ method, input }));
    });

  it('answers other requests before the hostile verification ends, then reports its clear error', async () => {
    // The renderer may name only files inside the data folder (browser uploads land there) or picked ones.
    const inHome = path.join(env.home, 'uploads', 'bombs.pdf');
    fs.mkdirSync(path.dirname(inHome), { recursive: true });
    fs.copyFileSync(at('bombs.pdf'), inHome);
    const hostile = call('verify.files', { files: [inHome], offline: true });
    // Pings sent while the worker inflates the bombs: each must come back before the verification does.
    const pings: Array<{ status: number; at: number }> = [];
    for (let i = 0; i < 3; i++) pings.push(await call('app.ping', { echo: `p${i}` }));
    const done = await hostile;
    expect(done.status).toBe(200);
    const outcome = (JSON.parse(done.body) as { value: { outcomes: Array<{ error?: { code: string; message: string } }> } }).value
      .outcomes[0];
    expect(outcome?.error?.code).toBe('PDF_LIMIT');
    expect(outcome?.error?.message).toMatch(/^El PDF excede un límite de lectura/);
    for (const p of pings) {
      expect(p.status).toBe(200);
      expect(p.at).toBeLessThan(done.at);
    }
  });
});
