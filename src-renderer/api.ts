/**
 * The renderer's one client of the contract: IPC through `window.casilla` in Electron, HTTP to the local web
 * host in browser mode. Every call resolves to a Result; it never throws.
 */
import type { CasillaBridge } from '../src-main/api/bridge';
import { splitMethod } from '../src-main/api/bridge';
import type { AppEvent, MethodInput, MethodName, MethodOutput } from '../src-main/api/contract';
import type { Result } from '../src-main/api/result';

declare global {
  interface Window {
    casilla?: CasillaBridge;
  }
}

const TOKEN_KEY = 'casilla.token';

/** Takes the session token from `#token=` once, keeps it for this tab only, and cleans the address bar. */
function sessionToken(): string | null {
  const fromHash = /(?:^#|&)token=([^&]+)/.exec(window.location.hash)?.[1];
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(fromHash));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export const shell: 'electron' | 'browser' = window.casilla ? 'electron' : 'browser';
const token = shell === 'browser' ? sessionToken() : null;

export function hasSession(): boolean {
  return shell === 'electron' || token !== null;
}

let opCounter = 0;
export function newOpId(): string {
  opCounter += 1;
  return `op-${Date.now().toString(36)}-${opCounter}`;
}

export async function call<M extends MethodName>(method: M, input: MethodInput<M>, opId?: string): Promise<Result<MethodOutput<M>>> {
  if (window.casilla) {
    const [domain, fn] = splitMethod(method);
    const group = (
      window.casilla as unknown as Record<string, Record<string, (i: unknown, o?: string) => Promise<Result<MethodOutput<M>>>>>
    )[domain];
    const f = group?.[fn];
    if (!f) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: method } };
    return f(input, opId);
  }
  try {
    const res = await fetch('/api/call', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? ''}` },
      body: JSON.stringify({ method, input, opId }),
    });
    if (res.status === 401) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Sesión no válida' } };
    return (await res.json()) as Result<MethodOutput<M>>;
  } catch (err) {
    return { ok: false, error: { code: 'NETWORK', message: err instanceof Error ? err.message : String(err) } };
  }
}

export async function cancel(opId: string): Promise<void> {
  if (window.casilla) return window.casilla.bridge.cancel(opId);
  await fetch('/api/cancel', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify({ opId }),
  }).catch(() => undefined); // cancelling a call that already ended is not an error
}

/** Core events (progress, changes). Returns the unsubscribe function. */
export function subscribe(fn: (event: AppEvent) => void): () => void {
  if (window.casilla) return window.casilla.bridge.subscribe(fn);
  const source = new EventSource(`/api/events?token=${encodeURIComponent(token ?? '')}`);
  source.onmessage = (e: MessageEvent<string>) => fn(JSON.parse(e.data) as AppEvent);
  return () => source.close();
}

/** Browser mode only: copies a picked file into the data folder and returns the path the core can read. */
export async function uploadFile(file: File): Promise<Result<{ path: string; name: string }>> {
  try {
    const res = await fetch(`/api/upload?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token ?? ''}`, 'Content-Type': 'application/octet-stream' },
      body: file,
    });
    return (await res.json()) as Result<{ path: string; name: string }>;
  } catch (err) {
    return { ok: false, error: { code: 'NETWORK', message: err instanceof Error ? err.message : String(err) } };
  }
}

/** A path the core can read for a file the user picked: its own path in Electron, an uploaded copy in the browser. */
export async function pathForFile(file: File): Promise<Result<{ path: string; name: string }>> {
  if (window.casilla) {
    const p = window.casilla.bridge.pathForFile(file);
    return p ? { ok: true, value: { path: p, name: file.name } } : { ok: false, error: { code: 'FILE_NO_PATH', message: file.name } };
  }
  return uploadFile(file);
}

/** Browser mode: saves a file of the data folder (a signed PDF, a report) through the browser's download. */
export async function downloadFile(path: string, name: string): Promise<Result<true>> {
  try {
    const res = await fetch(`/api/download?path=${encodeURIComponent(path)}`, { headers: { Authorization: `Bearer ${token ?? ''}` } });
    if (!res.ok) return { ok: false, error: { code: 'NOT_FOUND', message: name } };
    saveBlob(await res.blob(), name);
    return { ok: true, value: true };
  } catch (err) {
    return { ok: false, error: { code: 'NETWORK', message: err instanceof Error ? err.message : String(err) } };
  }
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
