import { useEffect, useRef, useState } from 'react';
import { GlobalWorkerOptions, getDocument, type PDFDocumentProxy } from 'pdfjs-dist';
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { useI18n } from '../../i18n';

GlobalWorkerOptions.workerSrc = workerUrl;

/** Stamp size in PDF points (about 7 × 2.1 cm), the default of a visible signature. */
export const STAMP_SIZE = { width: 200, height: 60 };

export type StampRect = [number, number, number, number];

/** An existing signature's widget drawn on the page (from `sign.inspectPdf`), flagged when the stamp covers it. */
export type PreviewWidget = { field: string; rect: StampRect; overlapped: boolean };

/**
 * Renders one page of the PDF (pdf.js, in the renderer, from the bytes of the picked file) and lets the user
 * click where the stamp goes. The rectangle is in PDF points from the lower-left corner of the page as displayed,
 * which is what the signer takes. Keyboard: the arrow keys move the stamp by 10 points. Until the user places it,
 * the default place the signer would take is drawn dashed and lighter.
 */
export function PagePreview({
  file,
  page,
  rect,
  defaultPlace = null,
  onRect,
  onPages,
  widgets = [],
  image = null,
}: {
  file: File;
  page: number | 'last';
  rect: StampRect | null;
  /** Where the signer puts the stamp if the user does not place it: shown (dashed, lighter) until a click. */
  defaultPlace?: StampRect | null;
  onRect: (r: StampRect) => void;
  onPages: (n: number) => void;
  widgets?: PreviewWidget[];
  /** A `data:` URL of the stamp image, shown inside the stamp. */
  image?: string | null;
}) {
  const { t } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState<{ w: number; h: number; scale: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const doc = useRef<PDFDocumentProxy | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const data = new Uint8Array(await file.arrayBuffer());
        const pdf = await getDocument({ data, isEvalSupported: false, enableXfa: false }).promise;
        if (cancelled) return void pdf.destroy();
        doc.current?.destroy();
        doc.current = pdf;
        onPages(pdf.numPages);
        const n = page === 'last' ? pdf.numPages : Math.min(Math.max(1, page), pdf.numPages);
        const p = await pdf.getPage(n);
        const base = p.getViewport({ scale: 1 });
        const scale = Math.min(560 / base.width, 720 / base.height);
        const viewport = p.getViewport({ scale });
        const c = canvas.current;
        if (!c || cancelled) return;
        c.width = Math.floor(viewport.width);
        c.height = Math.floor(viewport.height);
        await p.render({ canvas: c, viewport }).promise;
        setSize({ w: viewport.width, h: viewport.height, scale });
        setError(null);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [file, page, onPages]);

  useEffect(() => () => void doc.current?.destroy(), []);

  const place = (xPx: number, yPx: number) => {
    if (!size) return;
    const pageW = size.w / size.scale;
    const pageH = size.h / size.scale;
    // A stamp already sized (by a profile) keeps its size; otherwise that of its default place (its style's size).
    const [w, h] = rect ? [rect[2], rect[3]] : defaultPlace ? [defaultPlace[2], defaultPlace[3]] : [STAMP_SIZE.width, STAMP_SIZE.height];
    const x = Math.min(Math.max(0, xPx / size.scale - w / 2), pageW - w);
    const y = Math.min(Math.max(0, (size.h - yPx) / size.scale - h / 2), pageH - h);
    onRect([Math.round(x), Math.round(y), w, h]);
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (!size) return;
    // The arrows move the stamp from where it is, or from the default place it would take.
    const r = rect ?? defaultPlace ?? [36, 36, STAMP_SIZE.width, STAMP_SIZE.height];
    const step = 10;
    const moves: Record<string, [number, number]> = {
      ArrowLeft: [-step, 0],
      ArrowRight: [step, 0],
      ArrowUp: [0, step],
      ArrowDown: [0, -step],
    };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const pageW = size.w / size.scale;
    const pageH = size.h / size.scale;
    onRect([Math.min(Math.max(0, r[0] + m[0]), pageW - r[2]), Math.min(Math.max(0, r[1] + m[1]), pageH - r[3]), r[2], r[3]]);
  };

  return (
    <div className="page-preview">
      {error && (
        <p role="alert" className="alert alert-error">
          {t('sign.previewError', { message: error })}
        </p>
      )}
      <div
        className="page-canvas"
        tabIndex={0}
        role="application"
        aria-label={t('sign.previewLabel')}
        onKeyDown={onKey}
        onClick={(e) => {
          const box = e.currentTarget.getBoundingClientRect();
          place(e.clientX - box.left, e.clientY - box.top);
        }}
        data-testid="page-preview"
        data-ready={size ? 'true' : 'false'}
      >
        <canvas ref={canvas} />
        {size &&
          widgets.map((w) => (
            <div
              key={`${w.field}-${w.rect.join(',')}`}
              className={w.overlapped ? 'existing-signature overlapped' : 'existing-signature'}
              data-testid="existing-signature"
              data-overlapped={w.overlapped ? 'true' : 'false'}
              title={t('sign.overlap.existing', { field: w.field })}
              style={{
                left: w.rect[0] * size.scale,
                top: size.h - (w.rect[1] + w.rect[3]) * size.scale,
                width: w.rect[2] * size.scale,
                height: w.rect[3] * size.scale,
              }}
            />
          ))}
        {size && !rect && defaultPlace && (
          <div
            className="stamp-box stamp-box-default"
            data-testid="stamp-default"
            title={t('sign.defaultPlace')}
            style={{
              left: defaultPlace[0] * size.scale,
              top: size.h - (defaultPlace[1] + defaultPlace[3]) * size.scale,
              width: defaultPlace[2] * size.scale,
              height: defaultPlace[3] * size.scale,
            }}
          >
            <span className="stamp-box-label">{t('sign.defaultPlaceShort')}</span>
          </div>
        )}
        {size && rect && (
          <div
            className="stamp-box"
            data-testid="stamp-box"
            style={{
              left: rect[0] * size.scale,
              top: size.h - (rect[1] + rect[3]) * size.scale,
              width: rect[2] * size.scale,
              height: rect[3] * size.scale,
            }}
          >
            {image && <img src={image} alt="" className="stamp-image" data-testid="stamp-image-preview" />}
          </div>
        )}
      </div>
    </div>
  );
}
