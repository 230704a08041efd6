import { ipcMain, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { IpcChannels } from '../api/bridge';
import type { CoreContext } from '../core/context';
import { fileAccessFor } from '../core/files/file-access';
import { resourcesDir } from '../core/resources';
import { dispatch, type HandlerTable } from '../services';
import { isAppUrl } from './security';

/** Only our own page, in the top frame, may call the core. */
function senderOk(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  const frame = event.senderFrame;
  return Boolean(frame && frame === event.sender.mainFrame && isAppUrl(frame.url));
}

/** Registers the one IPC entry point; inputs are parsed with the contract's zod schemas inside `dispatch`. */
export function registerIpc(core: CoreContext, table: HandlerTable, contents: () => WebContents | null): () => void {
  const running = new Map<string, AbortController>();
  ipcMain.handle(IpcChannels.call, async (event, method: unknown, input: unknown, opId: unknown) => {
    if (!senderOk(event)) return { ok: false, error: { code: 'FORBIDDEN', message: 'Origen no permitido.' } };
    if (typeof method !== 'string') return { ok: false, error: { code: 'BAD_INPUT', message: 'Falta el método.' } };
    const id = typeof opId === 'string' ? opId.slice(0, 64) : '';
    const controller = new AbortController();
    if (id) running.set(id, controller);
    try {
      return await dispatch(table, core, method, input, {
        opId: id,
        signal: controller.signal,
        fromRenderer: true,
        onProgress: (progress) => core.events.emit({ type: 'progress', progress }),
      });
    } finally {
      if (id) running.delete(id);
    }
  });
  // The preload reports each file the user dropped or picked (webUtils gives a path only for a real File from
  // a drop or a file input), which grants the renderer read access to that one file.
  ipcMain.on(IpcChannels.grant, (event, file: unknown) => {
    const ok = senderOk(event) && typeof file === 'string' && file.length > 0 && file.length <= 4096;
    event.returnValue = ok ? fileAccessFor(core, () => [resourcesDir()]).grants.grantRead(file) : '';
  });
  ipcMain.handle(IpcChannels.cancel, (event, opId: unknown) => {
    if (!senderOk(event) || typeof opId !== 'string') return;
    running.get(opId)?.abort();
  });
  const unsubscribe = core.events.subscribe((e) => contents()?.send(IpcChannels.event, e));
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IpcChannels.call);
    ipcMain.removeHandler(IpcChannels.cancel);
    ipcMain.removeAllListeners(IpcChannels.grant);
  };
}
