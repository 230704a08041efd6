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

export const shell: 'electron' | 'browser' = window.casilla ? 'electron' : 'browser';

/**
 * Browser mode: the session token lives in memory and in this tab's sessionStorage only (Chromium keeps
 * sessionStorage off disk). The page is opened with a one-time code (`#code=`), exchanged once for the token;
 * the address bar is cleaned first, so the code (useless once used) is all that history ever holds.
 */
let token: string | null = shell === 'browser' ? sessionStorage.getItem(TOKEN_KEY) : null;
const sessionReady: Promise<void> = shell === 'browser' ? exchangeCode() : Promise.resolve();

async function exchangeCode(): Promise<void> {
  const code = /(?:^#|&)code=([^&]+)/.exec(window.location.hash)?.[1];
  if (window.location.hash) history.replaceState(null, '', window.location.pathname + window.location.search);
  if (!code) return;
  try {
    const res = await fetch('/api/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: decodeURIComponent(code) }),
    });
    const body = (await res.json()) as Result<{ token: string }>;
    if (body.ok) {
      token = body.value.token;
      sessionStorage.setItem(TOKEN_KEY, token);
    }
  } catch {
    // No answer: the page shows "no session" and the user opens a new link.
  }
}

/** Resolves once the one-time code (if any) was exchanged: true when calls can be made. */
export async function ensureSession(): Promise<boolean> {
  await sessionReady;
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
  await sessionReady;
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
  await sessionReady;
  await fetch('/api/cancel', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token ?? ''}` },
    body: JSON.stringify({ opId }),
  }).catch(() => undefined); // cancelling a call that already ended is not an error
}

const eventListeners = new Set<(event: AppEvent) => void>();
let stopEvents: (() => void) | null = null;

/**
 * Core events (progress, changes). Returns the unsubscribe function. In browser mode every subscriber shares one
 * long-lived stream: Chromium allows six connections per host, and a stream per screen part (or an aborted one
 * not yet released) would leave calls waiting.
 */
export function subscribe(fn: (event: AppEvent) => void): () => void {
  if (window.casilla) return window.casilla.bridge.subscribe(fn);
  eventListeners.add(fn);
  stopEvents ??= openEventStream((event) => {
    for (const l of [...eventListeners]) {
      try {
        l(event);
      } catch (err) {
        // One listener's failure must not cut the others off the stream.
        console.error(err);
      }
    }
  });
  return () => {
    eventListeners.delete(fn);
    if (eventListeners.size === 0 && stopEvents) {
      stopEvents();
      stopEvents = null;
    }
  };
}

function openEventStream(fn: (event: AppEvent) => void): () => void {
  // A streamed fetch rather than EventSource, so the token travels in a header, never in a URL.
  const controller = new AbortController();
  void (async () => {
    await sessionReady;
    for (let attempt = 0; !controller.signal.aborted && attempt < 1000; attempt++) {
      try {
        const res = await fetch('/api/events', { headers: { Authorization: `Bearer ${token ?? ''}` }, signal: controller.signal });
        if (!res.ok || !res.body) return;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const chunk = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            for (const line of chunk.split('\n')) if (line.startsWith('data: ')) fn(JSON.parse(line.slice(6)) as AppEvent);
          }
        }
      } catch {
        // Aborted (unsubscribe) or the connection dropped: retry after a pause unless aborted.
      }
      if (!controller.signal.aborted) await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return () => controller.abort();
}

/** Browser mode only: copies a picked file into the data folder and returns the path the core can read. */
export async function uploadFile(file: File): Promise<Result<{ path: string; name: string }>> {
  try {
    await sessionReady;
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
