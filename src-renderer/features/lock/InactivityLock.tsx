import { useEffect, useRef, useState } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

type Phase = 'active' | 'warning' | 'locked';

/**
 * Locks the app after inactivity: a warning first (default 10 minutes), then the lock (default 12). Activity
 * during the warning cancels it; once locked, only the unlock button opens the app again. The lock covers the
 * whole window and keeps the work underneath intact. Both transitions are written to the audit log.
 */
export function InactivityLock({ warningMinutes, lockMinutes }: { warningMinutes: number; lockMinutes: number }) {
  const { t } = useI18n();
  const [phase, setPhase] = useState<Phase>('active');
  const [now, setNow] = useState(() => Date.now());
  const lastActivity = useRef(Date.now());
  const phaseRef = useRef<Phase>('active');
  const unlockButton = useRef<HTMLButtonElement>(null);
  const keepButton = useRef<HTMLButtonElement>(null);

  const go = (next: Phase) => {
    if (phaseRef.current === next) return;
    phaseRef.current = next;
    setPhase(next);
    if (next === 'warning') void call('app.activity', { action: 'lock-warning' });
    if (next === 'locked') void call('app.activity', { action: 'lock' });
  };

  useEffect(() => {
    const onActivity = () => {
      // While locked, activity does not unlock: the user must press the button.
      if (phaseRef.current === 'locked') return;
      lastActivity.current = Date.now();
      if (phaseRef.current === 'warning') go('active');
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, onActivity, { passive: true });
    const timer = window.setInterval(() => {
      const idle = Date.now() - lastActivity.current;
      setNow(Date.now());
      if (phaseRef.current === 'locked') return;
      if (idle >= lockMinutes * 60_000) go('locked');
      else if (idle >= warningMinutes * 60_000) go('warning');
    }, 500);
    return () => {
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, onActivity);
      window.clearInterval(timer);
    };
  }, [warningMinutes, lockMinutes]);

  useEffect(() => {
    // Everything behind the dialog leaves the tab order and the accessibility tree while it is shown.
    const body = document.getElementById('app-body');
    if (phase === 'active') body?.removeAttribute('inert');
    else body?.setAttribute('inert', '');
    if (phase === 'locked') unlockButton.current?.focus();
    if (phase === 'warning') keepButton.current?.focus();
  }, [phase]);

  const unlock = () => {
    lastActivity.current = Date.now();
    phaseRef.current = 'active';
    setPhase('active');
    void call('app.activity', { action: 'unlock' });
  };

  if (phase === 'active') return null;
  if (phase === 'warning') {
    const seconds = Math.max(0, Math.ceil((lockMinutes * 60_000 - (now - lastActivity.current)) / 1000));
    return (
      <div className="overlay" role="presentation">
        <div
          className="dialog"
          role="alertdialog"
          aria-modal="true"
          aria-labelledby="lock-warning-title"
          aria-describedby="lock-warning-text"
          data-testid="lock-warning"
        >
          <h2 id="lock-warning-title">{t('lock.warningTitle')}</h2>
          <p id="lock-warning-text">{t('lock.warningText', { seconds })}</p>
          <button ref={keepButton} type="button" className="primary" onClick={() => go('active')}>
            {t('lock.keepWorking')}
          </button>
        </div>
      </div>
    );
  }
  return (
    <div className="overlay overlay-locked" role="presentation">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="locked-title" data-testid="lock-screen">
        <h2 id="locked-title">{t('lock.lockedTitle')}</h2>
        <p>{t('lock.lockedText')}</p>
        <button ref={unlockButton} type="button" className="primary" onClick={unlock}>
          {t('lock.unlock')}
        </button>
      </div>
    </div>
  );
}
