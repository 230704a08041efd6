import { describe, expect, it } from 'vitest';
import { htmlToText, looksLikePlainText, safeHref, sanitizeHtml, textToHtml } from '../../src-main/core/compose/sanitize-html';

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
    expect(out).toBe('<p>a</p><p>bc</p>');
    expect(out).not.toMatch(/script|onerror|javascript|href/);
  });
  it('escapes text and entity tricks, and closes what it opened', () => {
    expect(sanitizeHtml('<p>1 < 2 &lt;script&gt;')).toBe('<p>1 &lt; 2 &lt;script&gt;</p>');
    expect(sanitizeHtml('<a href="&#106;avascript:alert(1)">x</a>')).toBe('<p>x</p>');
    expect(sanitizeHtml('<ul><li>uno<li>dos</ul>')).toBe('<ul><li>uno</li><li>dos</li></ul>');
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

describe("content fidelity: the editor, paste and the preview speak the sanitizer's vocabulary", () => {
  it("turns the editor's Enter (div, or bare text then a block) into paragraphs it keeps", () => {
    expect(sanitizeHtml('Primero<div>Segundo</div>')).toBe('<p>Primero</p><p>Segundo</p>');
    expect(sanitizeHtml('<div>Primero</div><div><br></div><div>Segundo</div>')).toBe('<p>Primero</p><p><br></p><p>Segundo</p>');
    expect(sanitizeHtml('Primero<p>Segundo</p>')).toBe('<p>Primero</p><p>Segundo</p>');
    expect(sanitizeHtml('<div>a<div>b</div>c</div>')).toBe('<p>a</p><p>b</p><p>c</p>');
    expect(sanitizeHtml('Hola <b>Ana</b>')).toBe('<p>Hola <b>Ana</b></p>');
  });
  it('keeps paragraphs and lists pasted from Word (list paragraphs, bullet glyphs dropped)', () => {
    const word =
      '<html><body><!--StartFragment--><p class=MsoNormal>Uno<o:p></o:p></p>\n' +
      "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span>·<span>&nbsp;&nbsp; </span></span><![endif]>Item A<o:p></o:p></p>\n" +
      "<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><!--[if !supportLists]--><span>·</span><!--[endif]-->Item B</p>\n" +
      '<p class=MsoNormal><span style="font-family:Calibri">Fin</span></p><!--EndFragment--></body></html>';
    expect(sanitizeHtml(word).replace(/\n/g, '')).toBe('<p>Uno</p><ul><li>Item A</li><li>Item B</li></ul><p>Fin</p>');
  });
  it('keeps paragraphs and lists pasted from LibreOffice', () => {
    const lo =
      '<meta http-equiv="content-type" content="text/html; charset=utf-8"><style>p{margin:0}</style>' +
      '<p style="margin-bottom: 0cm">Visto el expediente:</p><ol><li><p style="margin-bottom: 0cm">primero</p></li>' +
      '<li><p style="margin-bottom: 0cm">segundo</p></li></ol><h2 class="western">Resuelvo</h2>';
    expect(sanitizeHtml(lo)).toBe('<p>Visto el expediente:</p><ol><li><p>primero</p></li><li><p>segundo</p></li></ol><h3>Resuelvo</h3>');
  });
  it('is idempotent, so the preview (sanitized once) is byte for byte what is queued (sanitized again)', () => {
    const samples = [
      'Primero<div>Segundo</div>',
      '<p>1 < 2 &lt;script&gt; &amp;amp; &nbsp;</p>',
      '<a href="https://gob.cl/a b?x=1&y=2">x</a> fuera',
      '<ul><li>a<ul><li>b</ul>c</ul><blockquote>q<p>r</blockquote>',
      '<b><i><u>x</b></i></u>',
      "<p class=MsoListParagraph style='mso-list:l0'>a</p><p class=MsoListParagraph style='mso-list:l0'>b</p>texto",
    ];
    // A few thousand random mixes of the tags the editor and word processors produce.
    const parts = [
      '<p>',
      '</p>',
      '<div>',
      '</div>',
      '<br>',
      '<b>',
      '</b>',
      '<ul>',
      '<li>',
      '</ul>',
      'texto ',
      '&amp;',
      '<',
      '<a href="https://x.cl">',
      '</a>',
      '\n',
    ];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    for (let n = 0; n < 2000; n++) samples.push(Array.from({ length: 12 }, () => parts[Math.floor(rnd() * parts.length)]).join(''));
    for (const s of samples) {
      const once = sanitizeHtml(s);
      expect(sanitizeHtml(once), s).toBe(once);
    }
  });
  it('reads a plain-text body as paragraphs (blank lines) and line breaks', () => {
    expect(looksLikePlainText('Hola\n\nAdiós 1 < 2')).toBe(true);
    expect(looksLikePlainText('<p>Hola</p>')).toBe(false);
    expect(textToHtml('Uno\r\nsigue\r\n\r\nDos & <fin>\n\n\n')).toBe('<p>Uno<br>sigue</p><p>Dos &amp; &lt;fin&gt;</p>');
  });
});
