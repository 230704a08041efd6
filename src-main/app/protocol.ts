import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_SCHEME } from './security';

/** Must run before `app.ready`: the scheme behaves like https (secure context, CSP, fetch). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer under `casilla-app://app/`, confined to its folder. */
export function serveRenderer(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, (request) => {
    const { pathname } = new URL(request.url);
    const rel = pathname === '/' || !path.extname(pathname) ? '/index.html' : decodeURIComponent(pathname);
    const file = path.resolve(root, '.' + rel);
    if (!file.startsWith(root + path.sep)) return new Response('No existe', { status: 404 });
    return net.fetch(pathToFileURL(file).toString());
  });
}
