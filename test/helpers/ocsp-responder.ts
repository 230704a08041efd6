/**
 * Local revocation services for tests: the real `openssl ocsp` responder over the test CA's index, and a
 * tiny node:http server on 127.0.0.1 that serves a CRL file. Both are stopped by the returned `stop()`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { Pki } from './verify-pki';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export async function startOcspResponder(pki: Pki, port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const { cert, key } = pki.leaf('ocsp');
  const child = spawn(
    'openssl',
    ['ocsp', '-index', pki.indexTxt, '-port', String(port), '-rsigner', cert, '-rkey', key, '-CA', pki.interPem, '-ignore_err'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  // The responder serves one connection at a time, so a probe connection would block it: wait for its
  // own announcement instead.
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('waiting for OCSP client connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`openssl ocsp terminó con código ${code}: ${out}`)));
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** Serves `file` at every path; `hits` counts requests so tests can tell whether the network was used. */
export async function startCrlServer(
  file: () => string,
  port: number,
): Promise<{ url: string; hits: () => number; stop: () => Promise<void> }> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/pkix-crl' });
    res.end(fs.readFileSync(file()));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}/ca.crl`,
    hits: () => hits,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
