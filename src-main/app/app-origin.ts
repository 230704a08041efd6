/**
 * The app's own origin, and the one check of "is this URL ours". Pure (no electron import) so it is unit-tested
 * on the real strings.
 *
 * Node's WHATWG URL, which Electron's main process uses, gives `origin === 'null'` for a non-special scheme such
 * as `casilla-app://app/...`, so comparing origins would refuse the app's own frames (and accept nothing else,
 * or worse, anything else whose origin is also 'null'). The check compares the scheme and host instead, and
 * refuses credentials and ports that our URLs never carry.
 */
export const APP_SCHEME = 'casilla-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

export function isAppUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.hostname === APP_HOST && u.port === '' && u.username === '' && u.password === '';
}
