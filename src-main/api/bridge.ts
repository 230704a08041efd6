/**
 * What the Electron preload exposes as `window.casilla`: one object of named functions grouped by domain
 * (`casilla.settings.get(input)`), built from the contract, plus event subscription. `ipcRenderer` itself is
 * never exposed.
 */
import type { AppEvent, MethodInput, MethodName, MethodOutput } from './contract';
import type { Result } from './result';

type DomainOf<M extends string> = M extends `${infer D}.${string}` ? D : never;
export type Domain = DomainOf<MethodName>;

export type DomainFunctions<D extends Domain> = {
  [M in MethodName as M extends `${D}.${infer F}` ? F : never]: (input: MethodInput<M>, opId?: string) => Promise<Result<MethodOutput<M>>>;
};

export type CasillaBridge = { [D in Domain]: DomainFunctions<D> } & {
  bridge: {
    shell: 'electron';
    /** Subscribes to core events; returns the unsubscribe function (fits a React effect's cleanup). */
    subscribe(fn: (event: AppEvent) => void): () => void;
    cancel(opId: string): Promise<void>;
    /** The path of a file the user dropped or picked (Electron's webUtils); the renderer never reads it itself. */
    pathForFile(file: unknown): string;
  };
};

/** IPC channel names, shared by the preload and the main process. */
export const IpcChannels = { call: 'casilla:call', cancel: 'casilla:cancel', event: 'casilla:event', grant: 'casilla:grant' } as const;

export function splitMethod(method: string): [string, string] {
  const i = method.indexOf('.');
  return [method.slice(0, i), method.slice(i + 1)];
}
