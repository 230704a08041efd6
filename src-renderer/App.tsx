import { useCallback, useEffect, useState } from 'react';
import type { AppInfo } from '../src-main/api/app';
import type { BackendProfile, Preferences } from '../src-main/api/settings';
import { call, ensureSession, shell, subscribe } from './api';
import { ComposeScreen } from './features/compose/ComposeScreen';
import { InactivityLock } from './features/lock/InactivityLock';
import { OutboxScreen } from './features/outbox/OutboxScreen';
import { SettingsScreen } from './features/settings/SettingsScreen';
import { SignScreen } from './features/sign/SignScreen';
import { VerifyScreen } from './features/verify/VerifyScreen';
import { I18nProvider, translate, useI18n } from './i18n';
import { useLatest } from './lib/useCoreQuery';
import { ScreenErrorBoundary } from './components/ErrorBoundary';

export const screens = ['sign', 'verify', 'compose', 'outbox', 'settings'] as const;
export type Screen = (typeof screens)[number];

const DEFAULT_PREFS: Preferences = { locale: 'es', lockWarningMinutes: 10, lockMinutes: 12 };

export function App() {
  const [prefs, setPrefs] = useState<Preferences | null>(null);
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [profile, setProfile] = useState<BackendProfile | null>(null);
  const [screen, setScreen] = useState<Screen>('sign');
  const [fatal, setFatal] = useState<string | null>(null);
  const [verifyPaths, setVerifyPaths] = useState<string[] | undefined>(undefined);

  // Of several loads of the preferences, only the newest is applied, and a save made meanwhile wins over any load
  // started before it: a slow answer read before the user chose English must not switch the app back to Spanish.
  const latestLoad = useLatest();
  const savePrefs = useCallback(
    (p: Preferences) => {
      latestLoad.supersede();
      setPrefs(p);
    },
    [latestLoad],
  );

  const reload = useCallback(async () => {
    const answers = await latestLoad(() => Promise.all([call('settings.get', {}), call('app.info', {}), call('profiles.list', {})]));
    if (!answers) return;
    const [p, i, profiles] = answers;
    if (!p.ok) {
      setFatal(p.error.code === 'UNAUTHORIZED' ? 'app.noToken' : 'app.connectionLost');
      setPrefs(DEFAULT_PREFS);
      return;
    }
    setPrefs(p.value);
    if (i.ok) setInfo(i.value);
    if (profiles.ok) setProfile(profiles.value.find((x) => x.active) ?? null);
  }, [latestLoad]);

  useEffect(() => {
    let unsubscribe: (() => void) | null = null;
    let gone = false;
    void ensureSession().then((ok) => {
      if (gone) return;
      if (!ok) {
        setFatal('app.noToken');
        setPrefs(DEFAULT_PREFS);
        return;
      }
      void reload();
      unsubscribe = subscribe((event) => {
        if (event.type === 'changed' && (event.topic === 'settings' || event.topic === 'profiles')) void reload();
      });
    });
    return () => {
      gone = true;
      unsubscribe?.();
    };
  }, [reload]);

  useEffect(() => {
    document.documentElement.lang = prefs?.locale ?? 'es';
  }, [prefs?.locale]);

  if (!prefs) return <p className="loading">{translate('es', 'app.loading')}</p>;

  return (
    <I18nProvider locale={prefs.locale}>
      <Shell
        screen={screen}
        onScreen={setScreen}
        prefs={prefs}
        info={info}
        profile={profile}
        fatal={fatal}
        onPrefs={savePrefs}
        verifyPaths={verifyPaths}
        onVerify={(paths) => {
          setVerifyPaths(paths);
          setScreen('verify');
        }}
      />
    </I18nProvider>
  );
}

function Shell(props: {
  screen: Screen;
  onScreen: (s: Screen) => void;
  prefs: Preferences;
  info: AppInfo | null;
  profile: BackendProfile | null;
  fatal: string | null;
  onPrefs: (p: Preferences) => void;
  verifyPaths: string[] | undefined;
  onVerify: (paths: string[]) => void;
}) {
  const { t } = useI18n();
  const { screen, onScreen, prefs, info, profile, fatal, onPrefs, verifyPaths, onVerify } = props;

  useEffect(() => {
    document.title = `${t(`nav.${screen}`)} — ${t('app.title')}`;
  }, [screen, t]);

  return (
    <div className="app">
      <div id="app-body" className="app-body">
        <a className="skip-link" href="#main">
          {t('app.skipToContent')}
        </a>
        <header className="topbar">
          <h1 className="brand">{t('app.title')}</h1>
          <div className="topbar-info">
            {shell === 'browser' && <span className="badge">{t('app.browserMode')}</span>}
            {profile && (
              <span className="badge badge-backend" data-testid="active-backend">
                {t('app.backend', { name: profile.builtin ? t('settings.embeddedSandbox') : profile.name })}
              </span>
            )}
          </div>
        </header>
        <nav className="sidebar" aria-label={t('app.mainNav')}>
          <ul>
            {screens.map((s, index) => (
              <li key={s}>
                <button
                  type="button"
                  className="nav-item"
                  aria-current={screen === s ? 'page' : undefined}
                  onClick={() => onScreen(s)}
                  data-testid={`nav-${s}`}
                  title={`Alt+${index + 1}`}
                >
                  {t(`nav.${s}`)}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main id="main" className="content" tabIndex={-1}>
          {fatal && (
            <div role="alert" className="alert alert-error">
              {t(fatal)}
            </div>
          )}
          {/* A screen that fails to draw says so and leaves the menu working; another screen starts afresh. */}
          <ScreenErrorBoundary key={screen}>
            {screen === 'sign' && <SignScreen onVerify={onVerify} demo={info?.demoCertificate ?? null} />}
            {screen === 'verify' && <VerifyScreen initialPaths={verifyPaths} />}
            {screen === 'compose' && <ComposeScreen onQueued={() => onScreen('outbox')} />}
            {screen === 'outbox' && <OutboxScreen />}
            {screen === 'settings' && <SettingsScreen prefs={prefs} info={info} onSaved={onPrefs} />}
          </ScreenErrorBoundary>
        </main>
      </div>
      <KeyboardShortcuts onScreen={onScreen} />
      <InactivityLock warningMinutes={prefs.lockWarningMinutes} lockMinutes={prefs.lockMinutes} />
    </div>
  );
}

/** Alt+1…Alt+5 switch screens, as the tooltips on the menu say. */
function KeyboardShortcuts({ onScreen }: { onScreen: (s: Screen) => void }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const n = Number(e.key);
      const target = screens[n - 1];
      if (target) {
        e.preventDefault();
        onScreen(target);
        document.getElementById('main')?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onScreen]);
  return null;
}
