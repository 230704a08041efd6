/**
 * Issue 13 (Electron, not runnable here): the IPC and navigation checks must accept the app's own
 * `casilla-app://app/...` frames, for which Node's URL (Electron's main process) gives origin 'null', and refuse
 * everything else.
 */
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAppUrl } from '../../src-main/app/app-origin';

describe('isAppUrl', () => {
  it('holds for the real strings of the custom scheme', () => {
    // The trap the old check fell into: a non-special scheme has an opaque origin in Node.
    expect(new URL(`${APP_ORIGIN}/index.html`).origin).toBe('null');
    expect(isAppUrl(`${APP_ORIGIN}/index.html`)).toBe(true);
    expect(isAppUrl('casilla-app://app/')).toBe(true);
    expect(isAppUrl('casilla-app://app/index.html#/verify?x=1')).toBe(true);
  });

  it('refuses other schemes, hosts, ports, credentials and opaque-origin lookalikes', () => {
    for (const url of [
      'casilla-app://evil/index.html',
      'casilla-app://app.evil.example/index.html',
      'casilla-app://app:8080/index.html',
      'casilla-app://user:pw@app/index.html',
      'casilla-appx://app/index.html',
      'file:///app/index.html',
      'data:text/html,<p>hola</p>',
      'about:blank',
      'http://app/index.html',
      'https://app/index.html',
      'javascript:alert(1)',
      'null',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});
