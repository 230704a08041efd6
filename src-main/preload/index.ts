/**
 * Runs in Electron's sandboxed preload: exposes `window.casilla`, named functions grouped by domain and built
 * from the contract, plus event subscription. Imports only `electron` and `api/`.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IpcChannels, splitMethod } from '../api/bridge';
import { methodNames, type AppEvent } from '../api/contract';

const casilla: Record<string, Record<string, unknown>> = {};
for (const method of methodNames) {
  const [domain, fn] = splitMethod(method);
  casilla[domain] ??= {};
  casilla[domain][fn] = (input: unknown, opId?: string) => ipcRenderer.invoke(IpcChannels.call, method, input, opId);
}
casilla.bridge = {
  shell: 'electron',
  subscribe(fn: (event: AppEvent) => void) {
    const listener = (_e: IpcRendererEvent, event: AppEvent) => fn(event);
    ipcRenderer.on(IpcChannels.event, listener);
    return () => ipcRenderer.removeListener(IpcChannels.event, listener);
  },
  cancel: (opId: string) => ipcRenderer.invoke(IpcChannels.cancel, opId),
  // The main process records the pick as a read grant and answers with the file's real path ('' if refused).
  pathForFile: (file: File) => {
    const picked = webUtils.getPathForFile(file);
    return picked ? (ipcRenderer.sendSync(IpcChannels.grant, picked) as string) : '';
  },
};

contextBridge.exposeInMainWorld('casilla', casilla);
