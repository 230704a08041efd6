import { lazy, Suspense } from 'react';
import { useI18n } from '../../i18n';
import type { SignatureWidget, StampRect } from './signSession';

// pdf.js is large: it loads only when a PDF is shown.
const PagePreview = lazy(() => import('./PagePreview').then((m) => ({ default: m.PagePreview })));

/**
 * The first PDF's page with the stamp where it will go: a click or the arrow keys place it; until then the default
 * place the signer would take is shown, dashed, and the arrow keys start from it.
 */
export function StampPlacementView({
  file,
  page,
  rect,
  defaultPlace,
  onRect,
  onPages,
  widgets,
  overlaps,
  image,
}: {
  file: File;
  page: number | 'last';
  rect: StampRect | null;
  defaultPlace: StampRect | null;
  onRect: (r: StampRect) => void;
  onPages: (n: number) => void;
  widgets: SignatureWidget[];
  overlaps: SignatureWidget[];
  image: string | null;
}) {
  const { t } = useI18n();
  return (
    <>
      <p className="hint">{t('sign.clickToPlace')}</p>
      <Suspense fallback={<p className="hint">{t('app.loading')}</p>}>
        <PagePreview
          file={file}
          page={page}
          rect={rect}
          defaultPlace={defaultPlace}
          onRect={onRect}
          onPages={onPages}
          image={image}
          widgets={widgets.map((w) => ({ field: w.field, rect: w.rect, overlapped: overlaps.includes(w) }))}
        />
      </Suspense>
    </>
  );
}
