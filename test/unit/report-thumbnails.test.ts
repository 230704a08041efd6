/**
 * Page thumbnails copied from a PDF at a revision: the page as shown (its /Rotate and crop box), the digest that
 * tells a changed page from an unchanged one, and the failures that leave nothing behind.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ThumbnailSource, type ObjectSink } from '../../src-main/core/verify/report-thumbnails';
import { writePlainPdf } from '../helpers/pdf-fixtures';
import { appendUpdate } from '../helpers/verify-attacks';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-thumbs-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function sink(): ObjectSink & { bodies: Array<Buffer | null> } {
  const bodies: Array<Buffer | null> = [];
  return {
    bodies,
    reserve: () => bodies.push(null),
    set: (n, b) => void (bodies[n - 1] = b),
    size: () => bodies.length,
    truncate: (n) => void (bodies.length = n),
  };
}

describe('page thumbnails', () => {
  it('shows the page as displayed (rotated, cropped) and tells an unchanged page from a changed one', () => {
    const plain = writePlainPdf(path.join(dir, 'plain.pdf'), { pages: 2 });
    // Revision 2: page 1 rotated 90° with a crop box; revision 3: page 2's content changes.
    const r2 = appendUpdate(plain, path.join(dir, 'r2.pdf'), [
      {
        num: 5,
        body: '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /CropBox [10 20 510 720] /Rotate 90 /Resources << /Font << /F1 3 0 R >> >> /Contents 6 0 R >>',
      },
    ]);
    const text = 'BT /F1 30 Tf 72 400 Td (CAMBIADO) Tj ET';
    const r3 = appendUpdate(r2, path.join(dir, 'r3.pdf'), [{ num: 8, body: `<< /Length ${text.length} >>\nstream\n${text}\nendstream` }]);
    const out = sink();
    const src = new ThumbnailSource(r3, out, { bytes: 0 });
    try {
      const p1 = src.thumbnail(1, 3);
      expect(p1).toMatchObject({ ok: true, width: 700, height: 500 });
      const p1before = src.thumbnail(1, 1);
      expect(p1before).toMatchObject({ ok: true, width: 595, height: 842 });
      // Page 2 at revision 2 and now: different content, so a different digest and a copy of its own.
      const p2at2 = src.thumbnail(2, 2);
      expect(p2at2.ok).toBe(true);
      const size = out.size();
      expect(src.thumbnail(2, 1, p2at2.ok ? p2at2.digest : undefined)).toBe('same');
      expect(out.size()).toBe(size);
      const p2now = src.thumbnail(2, 3, p2at2.ok ? p2at2.digest : undefined);
      expect(p2now).toMatchObject({ ok: true });
      expect(out.size()).toBeGreaterThan(size);
      const form = out.bodies.map((b) => b?.toString('latin1') ?? '').find((b) => b.includes('/BBox [0 0 700 500]'));
      // The rotated page's form is as wide as the crop box is tall.
      expect(form).toBeDefined();
      // A page that did not exist then leaves nothing behind.
      const before = out.size();
      expect(src.thumbnail(9, 3)).toEqual({ ok: false, reason: 'no-page' });
      expect(out.size()).toBe(before);
    } finally {
      src.close();
    }
  });
});
