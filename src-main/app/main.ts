/**
 * The Electron shell: lifecycle, one hardened window, IPC over the handler table. Everything else is in core/.
 */
import { app, BrowserWindow, Menu, Notification, session } from 'electron';
import path from 'node:path';
import { openCore, type CoreContext } from '../core/context';
import { resolveHome } from '../core/home';
import { createHandlers } from '../services';
import { startBackgroundWork } from '../services/background';
import { registerIpc } from './ipc';
import { registerAppScheme, serveRenderer } from './protocol';
import { APP_ORIGIN, hardenSession, hardenWebContents, secureWebPreferences } from './security';

registerAppScheme();
app.enableSandbox();

let core: CoreContext | null = null;
let win: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_e, contents) => hardenWebContents(contents));
  void app.whenReady().then(start);
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void core?.close();
  });
}

async function start(): Promise<void> {
  const home = resolveHome();
  app.setPath('userData', home);
  core = openCore({ home, shell: 'electron' });
  core.audit.append({ action: 'app.start', details: { shell: 'electron' } });
  hardenSession(session.defaultSession);
  serveRenderer(path.join(__dirname, '..', 'renderer'));
  registerIpc(core, createHandlers(), () => win?.webContents ?? null);
  void startBackgroundWork(core);
  // A permanent send failure is told to the user even when the window is hidden.
  core.events.subscribe((e) => {
    if (e.type === 'changed' && e.topic === 'outbox-failed' && Notification.isSupported()) {
      new Notification({
        title: 'Casilla Desktop',
        body: 'Un mensaje de la bandeja de salida no pudo enviarse. Revise la Bandeja de salida.',
      }).show();
    }
  });
  Menu.setApplicationMenu(null);
  win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 900,
    minHeight: 600,
    title: 'Casilla Desktop',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '..', 'preload', 'preload.cjs')),
  });
  win.once('ready-to-show', () => win?.show());
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}
