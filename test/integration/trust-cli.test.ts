/**
 * National trust with provenance: `casilla trust list --json` holds Peru's ECERNEP PERU CA ROOT 3 (from INDECOPI's
 * TSL, whose XML signature is checked) and Chile's State PKI G2 root with where each came from; `casilla trust
 * refresh` against a local HTTP server (the official URL cannot be reached here): a copy whose content was altered
 * after signing is refused and the previous list stays; the genuine copy is accepted and then used.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp-home';
import { bundleCli } from '../helpers/cli-bundle';

const root = path.resolve(__dirname, '../..');
// Inside the checkout (not under node_modules, a symlink here) so the CLI finds this checkout's resources/trust.
const cliBundle = path.join(root, 'test-results', `casilla-trust-cli-${process.pid}`, 'cli.cjs');
const tmp = tempDir('casilla-trust-');
const home = path.join(tmp.dir, 'home');
const genuine = fs.readFileSync(path.join(root, 'resources/trust/pe/tsl-pe.xml'));
const ECERNEP = '96508217c36f3bbc556e2e07d7ab50c40da8027c388235813322e41b87a568be';
const CHILE_G2 = 'e3c940378e3d275cc737b6ae921f3e00069398ce01976c816f04120d9a365236';

let served: Buffer = genuine;
let hits = 0;
const server = http.createServer((_req, res) => {
  hits++;
  res.writeHead(200, { 'content-type': 'application/xml' });
  res.end(served);
});
let url = '';

beforeAll(async () => {
  await bundleCli(cliBundle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/TSL/tsl-pe.xml`;
}, 120_000);
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(path.dirname(cliBundle), { recursive: true, force: true });
  tmp.cleanup();
});

/** Asynchronous: the HTTP server above runs in this process and must answer while the CLI waits. */
function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliBundle, '--home', home, ...args], { cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

type Overview = {
  anchors: {
    sha256: string;
    name: string;
    country: string;
    provider: string;
    list: string;
    origin: string;
    sourceUrl: string;
    granted: boolean;
    uses: string[];
    validTo: string;
  }[];
  tsl: { sequenceNumber: number; origin: string; nextUpdate: string; sha256: string } | null;
  problems: string[];
};

async function list(): Promise<Overview> {
  const r = await cli(['--json', 'trust', 'list']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Overview;
}

/** Changes one provider's service name inside the signed list: the XML stays well formed, the signature no longer matches. */
function tampered(): Buffer {
  const text = genuine.toString('utf8');
  const altered = text.replace('ECEP CLASE III SHA 1', 'ECEP CLASE III FALSA');
  expect(altered).not.toBe(text);
  return Buffer.from(altered, 'utf8');
}

describe('casilla trust', () => {
  it('lists Peru ECERNEP PERU CA ROOT 3 and Chile G2 with country, provider, list, status, validity and source', async () => {
    const o = await list();
    const pe = o.anchors.find((a) => a.sha256 === ECERNEP);
    expect(pe).toMatchObject({
      name: 'ECERNEP PERU CA ROOT 3',
      country: 'PE',
      list: 'TSL INDECOPI (IOFE)',
      origin: 'bundled',
      sourceUrl: 'http://iofe.indecopi.gob.pe/TSL/tsl-pe.xml',
      granted: true,
      uses: ['signatures'],
    });
    const cl = o.anchors.find((a) => a.sha256 === CHILE_G2);
    expect(cl).toMatchObject({
      name: 'Autoridad Certificadora del Estado de Chile G2',
      country: 'CL',
      list: 'PKI del Estado de Chile',
      origin: 'bundled',
      sourceUrl: 'https://firma.digital.gob.cl/biblioteca/certificados/',
    });
    expect(cl?.validTo.slice(0, 10)).toBe('2034-11-20');
    expect(o.tsl).toMatchObject({ sequenceNumber: 25, origin: 'bundled', nextUpdate: '2026-12-30T11:05:59.133Z' });
    expect(o.problems).toEqual([]);
    // Every Chilean provider of the Entidad Acreditadora bundles is there with its official URL.
    const providers = new Set(o.anchors.filter((a) => a.list === 'Entidad Acreditadora (Chile)').map((a) => a.provider));
    for (const p of ['E-CertChile', 'Acepta.com', 'E-Sign', 'CertiNet', 'Thomas Signe', 'Trust Service Provider SpA'])
      expect(providers).toContain(p);
    const human = await cli(['trust', 'list']);
    expect(human.stdout).toMatch(new RegExp(`${ECERNEP}\\s+PE\\s+ECERNEP PERU CA ROOT 3`));
  }, 120_000);

  it('refuses a refreshed list whose signature was altered and keeps the previous one; accepts the genuine copy', async () => {
    served = tampered();
    const before = hits;
    const bad = await cli(['trust', 'refresh', '--url', url]);
    expect(hits).toBe(before + 1);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('TRUST_TSL_SIGNATURE');
    expect(bad.stderr).toMatch(/alterado/);
    expect(fs.existsSync(path.join(home, 'trust', 'tsl-pe.xml'))).toBe(false);
    expect((await list()).tsl).toMatchObject({ origin: 'bundled', sequenceNumber: 25 });

    served = genuine;
    const good = await cli(['--json', 'trust', 'refresh', '--url', url]);
    expect(good.status, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ replaced: true, sequenceNumber: 25, previousSequenceNumber: 25 });
    expect(fs.readFileSync(path.join(home, 'trust', 'tsl-pe.xml')).equals(genuine)).toBe(true);
    const after = await list();
    expect(after.tsl?.origin).toBe('refreshed');
    expect(after.anchors.find((a) => a.sha256 === ECERNEP)?.origin).toBe('refreshed');

    // A tampered copy later: refused again, and the refreshed list in use is untouched.
    served = tampered();
    const again = await cli(['trust', 'refresh', '--url', url]);
    expect(again.status).toBe(1);
    expect(fs.readFileSync(path.join(home, 'trust', 'tsl-pe.xml')).equals(genuine)).toBe(true);
    expect((await list()).tsl?.origin).toBe('refreshed');
    // Not a list at all, and a server that is down: clear errors, nothing replaced.
    served = Buffer.from('<html>mantenimiento</html>');
    const html = await cli(['trust', 'refresh', '--url', url]);
    expect(html.status).toBe(1);
    expect(html.stderr).toContain('TRUST_TSL_INVALID');
    const down = await cli(['trust', 'refresh', '--url', 'http://127.0.0.1:9/tsl.xml']);
    expect(down.status).toBe(1);
    expect(down.stderr).toContain('TRUST_REFRESH_UNREACHABLE');
    expect(fs.readFileSync(path.join(home, 'trust', 'tsl-pe.xml')).equals(genuine)).toBe(true);
    const audit = JSON.parse((await cli(['--json', 'audit', 'list'])).stdout) as { action: string }[];
    expect(audit.filter((e) => e.action === 'trust.refresh')).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'trust.refresh.failed')).toHaveLength(4);
  }, 300_000);
});
