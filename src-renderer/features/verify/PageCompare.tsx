import { useEffect, useRef, useState } from 'react';
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';
import { diffRegions, type Region } from './page-diff';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Largest rendering of one page, in canvas pixels (the pixel comparison is linear in it). */
const MAX_W = 420;
const MAX_H = 600;
export const MAX_COMPARED_PAGES = 3;

type PageResult = { page: number; regions: Region[] | null; missing?: 'signed' | 'now' };

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function openRevision(file: string, revision: number): Promise<PDFDocumentProxy> {
  const r = await call('verify.revisionData', { file, revision });
  if (!r.ok) throw r.error;
  return getDocument({ data: fromBase64(r.value.data), isEvalSupported: false, enableXfa: false }).promise;
}

/** Renders page `n` of `doc` into `canvas` at the scale `scale` (white background, so blank means white). */
async function renderInto(doc: PDFDocumentProxy, n: number, canvas: HTMLCanvasElement, scale: number): Promise<void> {
  const p = await doc.getPage(n);
  const viewport = p.getViewport({ scale });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  await p.render({ canvas, viewport, background: 'white' }).promise;
}

function outline(canvas: HTMLCanvasElement, regions: Region[]): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.save();
  ctx.strokeStyle = '#d00000';
  ctx.lineWidth = 3;
  ctx.fillStyle = 'rgba(208, 0, 0, 0.12)';
  for (const r of regions) {
    ctx.fillRect(r.x, r.y, r.w, r.h);
    ctx.strokeRect(r.x + 1.5, r.y + 1.5, r.w - 3, r.h - 3);
  }
  ctx.restore();
}

/**
 * "Comparar páginas": the page as the signature signed it (revision `revision`) and the page as the file is now,
 * side by side, both rendered by pdf.js, with the blocks whose pixels differ outlined in red on both, so a
 * person sees a shadow attack. Only `pages` (the ones the change analysis names), at a bounded size.
 */
export function PageCompare({ file, revision, pages }: { file: string; revision: number; pages: number[] }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<PageResult[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const canvases = useRef(new Map<string, HTMLCanvasElement>());
  const shown = pages.slice(0, MAX_COMPARED_PAGES);

  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    const docs: PDFDocumentProxy[] = [];
    setResults(null);
    setError(null);
    void (async () => {
      try {
        const signed = await openRevision(file, revision);
        docs.push(signed);
        const now = await openRevision(file, 0);
        docs.push(now);
        const out: PageResult[] = [];
        for (const n of shown) {
          const a = canvases.current.get(`${n}-signed`);
          const b = canvases.current.get(`${n}-now`);
          if (cancelled || !a || !b) return;
          if (n > signed.numPages || n > now.numPages) {
            out.push({ page: n, regions: null, missing: n > signed.numPages ? 'signed' : 'now' });
            continue;
          }
          // One scale for both, from the page as signed, so the same point lands on the same pixel.
          const base = (await signed.getPage(n)).getViewport({ scale: 1 });
          const scale = Math.min(MAX_W / base.width, MAX_H / base.height);
          await renderInto(signed, n, a, scale);
          await renderInto(now, n, b, scale);
          const ca = a.getContext('2d', { willReadFrequently: true });
          const cb = b.getContext('2d', { willReadFrequently: true });
          if (!ca || !cb) throw new Error('canvas');
          const regions = diffRegions(ca.getImageData(0, 0, a.width, a.height), cb.getImageData(0, 0, b.width, b.height));
          outline(a, regions);
          outline(b, regions);
          out.push({ page: n, regions });
        }
        if (!cancelled) setResults(out);
      } catch (err) {
        if (cancelled) return;
        const e = err as { code?: string; message?: string };
        setError(
          t('verify.compare.error', {
            message: e.code ? errorText(t, { code: e.code, message: e.message ?? '' }) : (e.message ?? String(err)),
          }),
        );
      }
    })();
    return () => {
      cancelled = true;
      for (const d of docs) void d.destroy();
    };
    // `shown` is derived from `pages`; its contents are the dependency.
  }, [open, file, revision, shown.join(',')]);

  const summary = (r: PageResult): string => {
    if (r.missing === 'signed') return t('verify.compare.missingSigned', { page: r.page });
    if (r.missing === 'now') return t('verify.compare.missingNow', { page: r.page });
    const count = r.regions?.length ?? 0;
    if (count === 0) return t('verify.compare.same', { page: r.page });
    return count === 1 ? t('verify.compare.regionsOne', { page: r.page }) : t('verify.compare.regions', { page: r.page, count });
  };

  return (
    <div className="page-compare">
      <button type="button" aria-expanded={open} data-testid="compare-pages" onClick={() => setOpen((o) => !o)}>
        {open ? t('verify.compare.hide') : t('verify.compare.button')}
      </button>
      {open && (
        <div data-testid="page-compare" data-ready={results ? 'true' : 'false'}>
          <p className="hint">{t('verify.compare.note', { max: MAX_COMPARED_PAGES })}</p>
          <p role="status" data-testid="compare-status">
            {error ? '' : results ? results.map(summary).join(' ') : t('verify.compare.loading')}
          </p>
          {error && (
            <p role="alert" className="alert alert-error">
              {error}
            </p>
          )}
          {shown.map((n) => (
            <figure key={n} className="compare-page" data-testid="compare-page">
              <figcaption>{t('verify.compare.title', { page: n })}</figcaption>
              <div className="compare-pair">
                <div>
                  <p className="hint">{t('verify.compare.signed', { revision })}</p>
                  <canvas
                    role="img"
                    aria-label={t('verify.compare.signedAlt', { page: n })}
                    ref={(c) => void (c ? canvases.current.set(`${n}-signed`, c) : canvases.current.delete(`${n}-signed`))}
                  />
                </div>
                <div>
                  <p className="hint">{t('verify.compare.now')}</p>
                  <canvas
                    role="img"
                    aria-label={t('verify.compare.nowAlt', { page: n })}
                    ref={(c) => void (c ? canvases.current.set(`${n}-now`, c) : canvases.current.delete(`${n}-now`))}
                  />
                </div>
              </div>
            </figure>
          ))}
        </div>
      )}
    </div>
  );
}
