import { describe, expect, it } from 'vitest';
import { htmlToText, safeHref, sanitizeHtml } from '../../src-main/core/compose/sanitize-html';

describe('the body sanitizer', () => {
  it('keeps formatting and https links, opened in a new tab', () => {
    expect(sanitizeHtml('<p>Hola <b>Ana</b>, <a href="https://gob.cl/x?a=1&amp;b=2">ver</a></p>')).toBe(
      '<p>Hola <b>Ana</b>, <a href="https://gob.cl/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">ver</a></p>',
    );
  });
  it('drops scripts, styles, event handlers and non-https links', () => {
    const out = sanitizeHtml(
      '<p onclick="x()">a</p><script>alert(1)</script><style>p{}</style><a href="javascript:alert(1)">b</a><a href="http://x.cl">c</a><img src=x onerror=alert(1)>',
    );
    expect(out).toBe('<p>a</p>bc');
    expect(out).not.toMatch(/script|onerror|javascript|href/);
  });
  it('escapes text and entity tricks, and closes what it opened', () => {
    expect(sanitizeHtml('<p>1 < 2 &lt;script&gt;')).toBe('<p>1 &lt; 2 &lt;script&gt;</p>');
    expect(sanitizeHtml('<a href="&#106;avascript:alert(1)">x</a>')).toBe('x');
    expect(sanitizeHtml('<ul><li>uno<li>dos</ul>')).toBe('<ul><li>uno<li>dos</li></li></ul>');
  });
  it('accepts only https URLs with a host', () => {
    expect(safeHref('https://www.gob.pe/')).toBe('https://www.gob.pe/');
    expect(safeHref('https://')).toBeNull();
    expect(safeHref('HTTP://gob.cl')).toBeNull();
    expect(safeHref('data:text/html,x')).toBeNull();
  });
  it('gives the plain text for counters', () => {
    expect(htmlToText('<p>Hola</p><p>Ana &amp; Luis</p>')).toBe('Hola\nAna & Luis');
  });
});
