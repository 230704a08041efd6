import { useEffect, useId, useRef } from 'react';
import { localeTag, useI18n } from '../../i18n';
import type { FileOverlap } from './signSession';

/**
 * The stamp would cover an existing signature's widget, in the first file or (a batch) in any other: a warning
 * while it is placed there, naming the files of a batch it concerns, and, when the user
 * signs anyway, a confirmation that takes the focus (Escape goes back). The earlier signature stays valid either
 * way; two stamps on top of each other only mislead whoever reads the page.
 */
/** How many files of a batch the warning names; the rest are counted. */
const NAMED_FILES = 5;

export function OverlapWarning({ files, batch }: { files: FileOverlap[]; batch: boolean }) {
  const { t, locale } = useI18n();
  if (files.length === 0) return null;
  const fields = (widgets: FileOverlap['widgets']) => widgets.map((w) => `«${w.field}»`).join(', ');
  let text: string;
  if (!batch) text = t('sign.overlap.warning', { fields: fields(files[0]!.widgets) });
  else {
    const named = files
      .slice(0, NAMED_FILES)
      .map((f) => t('sign.overlap.fileItem', { name: f.name, page: f.page, fields: fields(f.widgets) }));
    if (files.length > NAMED_FILES) named.push(t('sign.overlap.andMore', { count: files.length - NAMED_FILES }));
    text = t('sign.overlap.warningBatch', { files: new Intl.ListFormat(localeTag[locale], { type: 'conjunction' }).format(named) });
  }
  return (
    <p className="alert alert-warning" role="status" data-testid="overlap-warning">
      {text}
    </p>
  );
}

export function OverlapConfirm({ onConfirm, onCancel }: { onConfirm: () => void; onCancel: () => void }) {
  const { t } = useI18n();
  const ids = { title: useId(), text: useId() };
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  return (
    <div
      className="panel overlap-confirm"
      role="alertdialog"
      aria-labelledby={ids.title}
      aria-describedby={ids.text}
      data-testid="overlap-confirm"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onCancel();
        }
      }}
    >
      <h3 id={ids.title}>{t('sign.overlap.confirmTitle')}</h3>
      <p id={ids.text}>{t('sign.overlap.confirmText')}</p>
      <div className="actions-row">
        <button type="button" ref={first} onClick={onCancel} data-testid="overlap-confirm-cancel">
          {t('sign.overlap.back')}
        </button>
        <button type="button" className="primary" onClick={onConfirm} data-testid="overlap-confirm-sign">
          {t('sign.overlap.signAnyway')}
        </button>
      </div>
    </div>
  );
}
