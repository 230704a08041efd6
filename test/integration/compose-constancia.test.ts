/**
 * The signed constancia de envío of a delivered message: built from `casilla outbox show --json`, signed with the
 * sandbox's certificate through core/signing, judged VÁLIDO by our verifier with that certificate as the anchor
 * (`casilla verify --trust`), and by poppler's pdfsig with an NSS db trusting it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutboxDetail } from '../../src-main/api/outbox';
import { writeConstancia } from '../../src-main/core/evidence/constancia';
import { summarizeCertificate } from '../../src-main/core/signing/certificate-summary';
import { loadOrCreateReceiptCertificate } from '../../src-main/sandbox/receipt-certificate';
import { useCliSandbox } from '../helpers/cli-sandbox';

describe('constancia de envío', () => {
  const t = useCliSandbox('casilla-constancia');
  const { home, sb, run } = t;

  it('verifies VÁLIDO with the sandbox certificate as anchor, and pdfsig agrees; an altered copy fails both', async () => {
    const backend = t.backend;
    const attach = path.join(home.dir, 'acta.pdf');
    fs.copyFileSync(path.resolve(__dirname, '..', '..', 'resources/demo/ejemplo.pdf'), attach);
    const sent = await run(
      '--json',
      'send',
      '--to',
      '33333333-3',
      '--type',
      'CP',
      '--subject',
      'Con constancia',
      '--body',
      'Texto',
      '--attach',
      attach,
      ...backend,
    );
    expect(sent.status, sent.stderr).toBe(0);
    const id = (JSON.parse(sent.stdout) as { messageIds: string[] }).messageIds[0]!;
    let detail: OutboxDetail | null = null;
    for (let i = 0; i < 20; i++) {
      await run('outbox', 'sync', '--once', ...backend);
      detail = JSON.parse((await run('--json', 'outbox', 'show', id)).stdout) as OutboxDetail;
      if (detail.recipients.every((r) => r.status === 'delivered')) break;
    }
    expect(detail!.messageDataId).toMatch(/^[0-9a-f]{24}$/);

    const cert = await loadOrCreateReceiptCertificate(sb.dir);
    const out = path.join(home.dir, 'constancia.pdf');
    await writeConstancia({
      detail: detail!,
      country: 'CL',
      attachments: detail!.attachments.map((a) => ({ ...a, verdict: 'sin firma' })),
      signer: { privateKey: cert.privateKey, certificate: cert.certificate, chain: [], summary: summarizeCertificate(cert.certificate) },
      output: out,
    });
    const bytes = fs.readFileSync(out);
    // The evidence it holds: the platform id, the attachment's hash, the recipient's DDU and state.
    const text = bytes.toString('latin1');
    expect(text).toContain(detail!.messageDataId!);
    expect(text).toContain(detail!.attachments[0]!.sha256);
    expect(text).toMatch(/RUN 33\.333\.333-3\s+casilla\s+delivered/);
    expect(text).toContain('Entregado');

    const anchor = path.join(home.dir, 'sandbox-cert.pem');
    fs.writeFileSync(anchor, cert.certificatePem);
    const verified = await run('--json', 'verify', out, '--trust', anchor, '--offline');
    const report = JSON.parse(verified.stdout) as { verdict: string }[] | { verdict: string };
    expect((Array.isArray(report) ? report[0]! : report).verdict).toBe('valid');

    const nss = path.join(home.dir, 'nss');
    fs.mkdirSync(nss);
    execFileSync('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    execFileSync('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'sandbox', '-t', 'CT,C,C', '-i', anchor]);
    const pdfsig = (file: string) => {
      try {
        return execFileSync('pdfsig', ['-nssdir', `sql:${nss}`, file], { encoding: 'utf8' });
      } catch (err) {
        return String((err as { stdout?: unknown }).stdout ?? '');
      }
    };
    const ok = pdfsig(out);
    expect(ok).toContain('Signature is Valid');
    expect(ok).toContain('Certificate is Trusted');

    const altered = Buffer.from(bytes);
    const at = altered.indexOf('Constancia de env', 0, 'latin1');
    altered[at] = 'X'.charCodeAt(0);
    const bad = path.join(home.dir, 'alterada.pdf');
    fs.writeFileSync(bad, altered);
    expect(pdfsig(bad)).not.toContain('Signature is Valid');
    const badReport = JSON.parse((await run('--json', 'verify', bad, '--trust', anchor, '--offline')).stdout) as
      { verdict: string }[] | { verdict: string };
    expect((Array.isArray(badReport) ? badReport[0]! : badReport).verdict).toBe('invalid');
  });
});
