import { useEffect, useRef, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { errorText, useI18n } from '../../i18n';

const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const;

type Phase = 'active' | 'warning' | 'locked';

/**
 * Locks the app after inactivity: a warning first (default 10 minutes), then the lock (default 12). Activity
 * during the warning cancels it. Locking locks the core too (it then refuses the renderer's calls); only the
 * app password opens it again (created here the first time). While locked the screen behind is hidden
 * (display: none, so the work in it is kept but not shown) and out of the accessibility tree. A reload while
 * locked comes back locked. The core writes lock, unlock and failed attempts to the audit log.
 */
export function InactivityLock({ warningMinutes, lockMinutes }: { warningMinutes: number; lockMinutes: number }) {
  const { t } = useI18n();
  const [phase, setPhase] = useState<Phase>('active');
  const [now, setNow] = useState(() => Date.now());
  const lastActivity = useRef(Date.now());
  const phaseRef = useRef<Phase>('active');
  const keepButton = useRef<HTMLButtonElement>(null);

  const go = (next: Phase) => {
    if (phaseRef.current === next) return;
    phaseRef.current = next;
    setPhase(next);
    if (next === 'warning') void call('app.activity', { action: 'lock-warning' });
    if (next === 'locked') void call('lock.lock', {});
  };

  useEffect(() => {
    // A reload does not open a locked app.
    void call('lock.status', {}).then((r) => {
      if (r.ok && r.value.locked) go('locked');
    });
  }, []);

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
    // Locked: the screen behind is not drawn at all (hidden, not dimmed).
    if (body) body.style.display = phase === 'locked' ? 'none' : '';
    if (phase === 'warning') keepButton.current?.focus();
  }, [phase]);

  const unlocked = () => {
    lastActivity.current = Date.now();
    phaseRef.current = 'active';
    setPhase('active');
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
  return <LockScreen onUnlocked={unlocked} />;
}

function LockScreen({ onUnlocked }: { onUnlocked: () => void }) {
  const { t } = useI18n();
  const [hasPassword, setHasPassword] = useState<boolean | null>(null);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLInputElement>(null);

  useEffect(() => {
    void call('lock.status', {}).then((r) => setHasPassword(r.ok ? r.value.hasPassword : true));
  }, []);
  useEffect(() => field.current?.focus(), [hasPassword]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (hasPassword === false) {
      if (password.length < 6) return setError(t('lock.tooShort'));
      if (password !== confirm) return setError(t('lock.mismatch'));
    }
    setBusy(true);
    try {
      if (hasPassword === false) {
        const set = await call('lock.setPassword', { password });
        if (!set.ok) return setError(errorText(t, set.error));
      }
      const r = await call('lock.unlock', { password });
      if (!r.ok) {
        setPassword('');
        field.current?.focus();
        return setError(errorText(t, r.error));
      }
      onUnlocked();
    } finally {
      setBusy(false);
    }
  };

  const creating = hasPassword === false;
  return (
    <div className="overlay overlay-locked" role="presentation">
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="locked-title"
        data-testid="lock-screen"
        onSubmit={(e) => void submit(e)}
      >
        <h2 id="locked-title">{creating ? t('lock.createTitle') : t('lock.lockedTitle')}</h2>
        <p>{creating ? t('lock.createText') : t('lock.lockedTextPassword')}</p>
        <label>
          {creating ? t('lock.newPassword') : t('lock.password')}
          <input
            ref={field}
            type="password"
            autoComplete={creating ? 'new-password' : 'current-password'}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            data-testid="lock-password"
          />
        </label>
        {creating && (
          <label>
            {t('lock.confirmPassword')}
            <input type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} />
          </label>
        )}
        {error && (
          <p role="alert" className="alert alert-error" data-testid="lock-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || hasPassword === null}>
          {creating ? t('lock.createAndUnlock') : t('lock.unlock')}
        </button>
      </form>
    </div>
  );
}
