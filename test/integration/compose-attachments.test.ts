import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAttachment, checkAttachments } from '../../src-main/core/compose/attachment-check';
import { queueNotification } from '../../src-main/core/compose/composer';
import { parseRecipient, type Recipient } from '../../src-main/core/compose/recipients';
import { AttachmentStore } from '../../src-main/core/outbox/attachment-store';
import { OutboxRepository } from '../../src-main/core/outbox/outbox-repository';
import { tempCore } from '../helpers/temp-home';

const root = path.resolve(__dirname, '..', '..');
const sample = path.join(root, 'resources/demo/ejemplo.pdf');

/** Attachments judged when picked, with real files, our PDF reader and our verifier. */
describe('attachments checked when picked', () => {
  const t = tempCore();
  const dir = path.join(t.home, 'files');
  const file = (name: string, bytes: Buffer | string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    return p;
  };
  let signed: string;
  let altered: string;

  beforeAll(() => {
    fs.mkdirSync(dir, { recursive: true });
    signed = path.join(dir, 'firmado.pdf');
    const r = spawnSync(
      process.execPath,
      [
        path.join(root, 'bin/casilla.cjs'),
        '--home',
        t.home,
        'sign',
        sample,
        '-o',
        signed,
        '--p12',
        path.join(root, 'resources/demo/demo-firmante.p12'),
        '--password-env',
        'PW',
      ],
      { env: { ...process.env, PW: 'demo1234' }, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    const bytes = fs.readFileSync(signed);
    const at = bytes.indexOf(Buffer.from('stream')) + 20;
    bytes[at] = bytes[at]! ^ 0xff;
    altered = file('alterado.pdf', bytes);
  });
  afterAll(() => t.cleanup());

  it('refuses an .exe renamed .pdf, naming the file', async () => {
    const exe = file('informe.pdf', Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(4096, 0x41)]));
    await expect(checkAttachment(t.core, exe, 'informe.pdf')).rejects.toMatchObject({
      code: 'ERR017',
      message: expect.stringMatching(/^«informe\.pdf»: el contenido no es un archivo PDF/),
    });
  });
  it('refuses a file that only starts with %PDF: it must parse as a PDF', async () => {
    const fake = file('falso.pdf', '%PDF-1.7\nesto no es un PDF\n%%EOF\n');
    await expect(checkAttachment(t.core, fake, 'falso.pdf')).rejects.toMatchObject({
      code: 'ATTACHMENT_NOT_PDF',
      message: expect.stringContaining('«falso.pdf»'),
    });
  });
  it('refuses 20 MB + 1 byte, and a total over 20 MB, naming the file and the sizes', async () => {
    const big = path.join(dir, 'grande.pdf');
    fs.copyFileSync(sample, big);
    fs.truncateSync(big, 20 * 1024 * 1024 + 1);
    await expect(checkAttachment(t.core, big, 'grande.pdf')).rejects.toMatchObject({
      code: 'ERR019',
      message: expect.stringMatching(/«grande\.pdf».*20971521 bytes.*20 MB/),
    });
    const half = path.join(dir, 'mitad.pdf');
    fs.copyFileSync(sample, half);
    await expect(checkAttachment(t.core, half, 'mitad.pdf', [{ name: 'otro.pdf', size: 20 * 1024 * 1024 - 10 }])).rejects.toMatchObject({
      code: 'ERR015',
      message: expect.stringContaining('«mitad.pdf»'),
    });
  });
  it('renames "resolución firmada.pdf" to the name the platform accepts, and says so', async () => {
    const p = path.join(dir, 'resolución firmada.pdf');
    fs.copyFileSync(sample, p);
    const c = await checkAttachment(t.core, p, 'resolución firmada.pdf');
    expect(c).toMatchObject({ name: 'resolucion firmada.pdf', originalName: 'resolución firmada.pdf', renamed: true, kind: 'pdf' });
    await expect(
      checkAttachment(t.core, p, 'resolución firmada.pdf', [{ name: 'Resolucion Firmada.pdf', size: 10 }]),
    ).rejects.toMatchObject({
      code: 'ERR016',
    });
  });
  it('refuses a type the platform does not take and a wrong extension', async () => {
    const exe = file('setup.exe', 'MZ');
    await expect(checkAttachment(t.core, exe, 'setup.exe')).rejects.toMatchObject({
      code: 'ERR013',
      message: expect.stringContaining('«setup.exe»'),
    });
    const png = file('foto.jpg', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
    await expect(checkAttachment(t.core, png, 'foto.jpg')).rejects.toMatchObject({
      code: 'ERR018',
      message: expect.stringContaining('imagen PNG'),
    });
  });
  it('verifies signed PDFs: a valid one is marked, an altered one refused with the reasons', async () => {
    const ok = await checkAttachment(t.core, signed, 'firmado.pdf');
    expect(ok).toMatchObject({ signed: true, renamed: false });
    expect(ok.verdict).not.toBe('invalid');
    await expect(checkAttachment(t.core, altered, 'alterado.pdf')).rejects.toMatchObject({
      code: 'ATTACHMENT_SIGNATURE_INVALID',
      message: expect.stringContaining('«alterado.pdf»'),
    });
  });
  it('counts: the 51st attachment is refused', async () => {
    const siblings = Array.from({ length: 50 }, (_, i) => ({ name: `a${i}.pdf`, size: 1 }));
    await expect(checkAttachment(t.core, sample, 'ejemplo.pdf', siblings)).rejects.toMatchObject({ code: 'ERR032' });
    const all = await checkAttachments(t.core, [
      { path: sample, name: 'Ñandú año 2026.pdf' },
      { path: signed, name: 'firmado.pdf' },
    ]);
    expect(all.map((a) => a.name)).toEqual(['Nandu ano 2026.pdf', 'firmado.pdf']);
  });
  it('the composer queues the platform name, never the refused one', async () => {
    const repo = new OutboxRepository(t.core.db, t.core.audit);
    const store = new AttachmentStore(t.home);
    const p = path.join(dir, 'resolución firmada.pdf');
    await expect(
      queueNotification(
        { repo, store },
        { profileId: 'x', backendUrl: 'http://127.0.0.1:1', clientId: 'c' },
        {
          messageType: 'CP',
          subject: 'Con adjunto',
          content: '<p>x</p>',
          groups: [{ recipients: [parseRecipient('33333333-3') as Recipient], attachments: [{ path: p, name: 'resolución firmada.pdf' }] }],
        },
      ),
    ).rejects.toMatchObject({ code: 'ERR033' });
  });
});
