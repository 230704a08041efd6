import { useEffect, useId, useRef } from 'react';
import { localeTag, useI18n } from '../../i18n';
import type { FileOverlap } from './signSession';

/**
 * The stamp (or a V°B°'s initials on the other pages) would cover an existing signature's widget, in the first file
 * or (a batch) in any other: a warning while it is placed there, naming the files of a batch it concerns (and the
 * pages the initials cover), and, when the user
 * signs anyway, a confirmation that takes the focus (Escape goes back). The earlier signature stays valid either
 * way; two stamps on top of each other only mislead whoever reads the page.
 */
/** How many files of a batch the warning names; the rest are counted. */
const NAMED_FILES = 5;

export function OverlapWarning({ files, batch }: { files: FileOverlap[]; batch: boolean }) {
  const { t, locale } = useI18n();
  const list = (items: string[]) => new Intl.ListFormat(localeTag[locale], { type: 'conjunction' }).format(items);
  const fields = (widgets: FileOverlap['widgets']) => widgets.map((w) => `«${w.field}»`).join(', ');
  /** The pages the initials cover, each with its fields: "página 1: «Jefe»; página 3: «VoBo1»". */
  const pages = (widgets: FileOverlap['initials']) =>
    [...new Set(widgets.map((w) => w.page))]
      .map((page) => t('sign.overlap.initialsPage', { page, fields: fields(widgets.filter((w) => w.page === page)) }))
      .join('; ');
  /** The files of a batch that `item` names (the first few; the rest are counted). */
  const named = (concerned: FileOverlap[], item: (f: FileOverlap) => string) => {
    const items = concerned.slice(0, NAMED_FILES).map(item);
    if (concerned.length > NAMED_FILES) items.push(t('sign.overlap.andMore', { count: concerned.length - NAMED_FILES }));
    return list(items);
  };
  const stamp = files.filter((f) => f.widgets.length > 0);
  const initials = files.filter((f) => f.initials.length > 0);
  const everyPage = t('sign.everyPage');
  return (
    <>
      {stamp.length > 0 && (
        <p className="alert alert-warning" role="status" data-testid="overlap-warning">
          {batch
            ? t('sign.overlap.warningBatch', {
                files: named(stamp, (f) => t('sign.overlap.fileItem', { name: f.name, page: f.page, fields: fields(f.widgets) })),
              })
            : t('sign.overlap.warning', { fields: fields(stamp[0]!.widgets) })}
        </p>
      )}
      {initials.length > 0 && (
        <p className="alert alert-warning" role="status" data-testid="overlap-initials-warning">
          {batch
            ? t('sign.overlap.initialsWarningBatch', {
                everyPage,
                files: named(initials, (f) => t('sign.overlap.initialsFileItem', { name: f.name, pages: pages(f.initials) })),
              })
            : t('sign.overlap.initialsWarning', { everyPage, pages: pages(initials[0]!.initials) })}
        </p>
      )}
    </>
  );
}

/** `initialsOnly`: only the V°B°'s initials on other pages cover a signature, not the stamp itself. */
export function OverlapConfirm({
  onConfirm,
  onCancel,
  initialsOnly = false,
}: {
  onConfirm: () => void;
  onCancel: () => void;
  initialsOnly?: boolean;
}) {
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
      <p id={ids.text}>{t(initialsOnly ? 'sign.overlap.confirmTextInitials' : 'sign.overlap.confirmText')}</p>
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
