import { shell, type BrowserWindow, type Session, type WebContents } from 'electron';
import { isAppUrl } from './app-origin';

/** The app's own origin: the renderer is served from this privileged scheme, never from file://. */
export { APP_ORIGIN, APP_SCHEME, isAppUrl } from './app-origin';

/** The only external sites the app may open in the system browser. */
const EXTERNAL_ALLOW = new Set(['https://notificaciones.gob.cl', 'https://www.gob.pe', 'https://www.firmaperu.gob.pe']);

/** Opens an allow-listed https page in the system browser; anything else is refused. */
export async function openExternalSafely(url: string): Promise<boolean> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || !EXTERNAL_ALLOW.has(parsed.origin)) return false;
  await shell.openExternal(parsed.toString());
  return true;
}

/** Denies every permission request (camera, notifications from web content, geolocation...). */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Blocks navigation away from the app, new windows and webviews. */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    void openExternalSafely(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** The web preferences of every window: the Electron security checklist in one place. */
export function secureWebPreferences(preload: string): Electron.WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

export type HardenedWindow = BrowserWindow;
