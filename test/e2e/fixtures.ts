import { expect, test as base } from '@playwright/test';

export { expect };
export type { Page } from '@playwright/test';

/**
 * Every spec's `test`. An uncaught error in the page fails the test in which it happened (a screen that throws
 * leaves the user with a broken window even when the test's own checks pass). On a failure, what the page said
 * (uncaught errors, console errors and warnings, failed requests and core calls answered with an HTTP error) is
 * printed with the test, so a CI log tells what the screen did before the timeout.
 */
export const test = base.extend<{ pageProblems: string[] }>({
  pageProblems: [
    async ({ page }, use, testInfo) => {
      const uncaught: string[] = [];
      const lines: string[] = [];
      const stamp = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
      const started = Date.now();
      page.on('pageerror', (e) => {
        // Chromium's notice that a resize observer's callback changed the layout again: no exception of ours, and
        // reported intermittently by Playwright-driven Chromium; logged, not failed on.
        if (!/^ResizeObserver loop/.test(e.message)) uncaught.push(`${e.name}: ${e.message}`);
        lines.push(`${stamp()} pageerror ${e.stack ?? e.message}`);
      });
      page.on('crash', () => lines.push(`${stamp()} the page crashed`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') lines.push(`${stamp()} console.${m.type()} ${m.text()}`);
      });
      page.on('requestfailed', (r) => lines.push(`${stamp()} request failed ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? ''}`));
      page.on('response', (r) => {
        if (r.status() >= 400) lines.push(`${stamp()} HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
      });
      page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) lines.push(`${stamp()} navigated to ${f.url().replace(/([?#&](code|token)=)[^&#]+/g, '$1…')}`);
      });
      await use(uncaught);
      if (testInfo.status !== testInfo.expectedStatus || uncaught.length > 0) {
        const text = lines.join('\n');
        console.log(`--- what the page said during "${testInfo.title}":\n${text || '(nothing)'}\n---`);
        await testInfo.attach('page-log', { body: text, contentType: 'text/plain' });
      }
      expect(uncaught, 'errores no capturados en la página').toEqual([]);
    },
    { auto: true },
  ],
});
