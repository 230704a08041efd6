import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCadesSignature } from '../../src-main/core/signing/cades-builder';
import { schemeFor, type DigestName } from '../../src-main/core/signing/signature-algorithms';
import { fillTemplate, formatSigningDate, initialsOf, stampValues } from '../../src-main/core/signing/stamp-text';
import { pdfTestSigner } from '../helpers/pdf-signer';
import { testPki, type SignerName } from '../helpers/pki';
import { tempDir } from '../helpers/temp-home';

const pki = testPki();
const tmp = tempDir('casilla-cades-');
afterAll(() => tmp.cleanup());

/** openssl cms -verify on a detached signature: the independent check of our CMS bytes. */
function opensslVerify(sig: Buffer, content: Buffer): { ok: boolean; out: string } {
  const sigFile = path.join(tmp.dir, `s-${crypto.randomUUID()}.der`);
  const dataFile = sigFile + '.bin';
  fs.writeFileSync(sigFile, sig);
  fs.writeFileSync(dataFile, content);
  const r = spawnSync(
    'openssl',
    [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      sigFile,
      '-content',
      dataFile,
      '-CAfile',
      pki.rootPem,
      '-purpose',
      'any',
      '-out',
      '/dev/null',
    ],
    {
      encoding: 'utf8',
    },
  );
  return { ok: r.status === 0, out: r.stdout + r.stderr };
}

describe('CAdES detached signatures verified by openssl cms', () => {
  const content = Buffer.from('%PDF-1.7 bytes cubiertos por la firma\n'.repeat(50));
  const cases: Array<[SignerName, boolean, DigestName]> = [
    ['rsa', false, 'sha256'],
    ['rsa', false, 'sha512'],
    ['pss', true, 'sha256'],
    ['pss', true, 'sha384'],
    ['ec', false, 'sha256'],
    ['ec', false, 'sha384'],
  ];
  for (const [name, pss, digest] of cases) {
    it(`${name}${pss ? ' (PSS)' : ''} with ${digest}`, async () => {
      const signer = pdfTestSigner(name);
      const sig = await buildCadesSignature({
        documentDigest: crypto.createHash(digest).update(content).digest(),
        digest,
        scheme: schemeFor(signer.privateKey, pss),
        privateKey: signer.privateKey,
        certificate: signer.certificate,
        chain: signer.chain,
      });
      const good = opensslVerify(sig, content);
      expect(good.ok, good.out).toBe(true);
      // One changed byte of content must fail: the message-digest attribute really binds the content.
      const tampered = Buffer.from(content);
      tampered[10] = 0x21;
      expect(opensslVerify(sig, tampered).ok).toBe(false);
      const printed = spawnSync('openssl', ['cms', '-cmsout', '-print', '-inform', 'DER'], { input: sig, encoding: 'utf8' }).stdout;
      expect(printed).toContain('id-smime-aa-signingCertificateV2');
      expect(printed).not.toContain('signingTime');
    });
  }
});

describe('stamp text', () => {
  it('fills the template, dropping lines whose fields are empty', () => {
    const summary = pdfTestSigner('rsa').summary;
    const values = stampValues(summary, { reason: 'Aprobado', date: new Date('2026-03-05T15:04:05Z'), timeZone: 'America/Lima' });
    expect(values.date).toBe('05/03/2026 10:04:05 -05:00');
    expect(fillTemplate('{name}\n{id}\n{role}\nMotivo: {reason}\nLugar: {place}\nFecha: {date}', values)).toEqual([
      'JUAN PÉREZ QUISPE',
      'DNI: 45678912',
      'Motivo: Aprobado',
      'Fecha: 05/03/2026 10:04:05 -05:00',
    ]);
    expect(formatSigningDate(new Date('2026-07-01T12:00:00Z'), 'America/Santiago')).toBe('01/07/2026 08:00:00 -04:00');
    expect(initialsOf('JUAN PÉREZ QUISPE')).toBe('JPQ');
  });
});
