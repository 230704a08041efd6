import { useEffect, useId, useRef } from 'react';
import type { SignatureWidget } from '../../../src-main/api/stamp-geometry';
import { useI18n } from '../../i18n';

/**
 * The stamp would cover an existing signature's widget: a warning while it is placed there, and, when the user
 * signs anyway, a confirmation that takes the focus (Escape goes back). The earlier signature stays valid either
 * way; two stamps on top of each other only mislead whoever reads the page.
 */
export function OverlapWarning({ overlaps }: { overlaps: SignatureWidget[] }) {
  const { t } = useI18n();
  if (overlaps.length === 0) return null;
  return (
    <p className="alert alert-warning" role="status" data-testid="overlap-warning">
      {t('sign.overlap.warning', { fields: overlaps.map((w) => `«${w.field}»`).join(', ') })}
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
