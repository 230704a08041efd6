/**
 * The message body's HTML, rebuilt from scratch: only a few formatting tags survive, links only to https
 * (opened in a new tab, as the platform asks), every attribute but a link's href dropped, every text escaped.
 * The output is built from tokens, never copied from the input, so nothing the input hides survives.
 */
const ALLOWED = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 'ul', 'ol', 'li', 'a', 'blockquote', 'h3', 'h4']);
const VOID = new Set(['br']);
/** Tags whose whole content is dropped, not just the tag. */
const DROP_CONTENT = new Set([
  'script',
  'style',
  'iframe',
  'object',
  'embed',
  'template',
  'noscript',
  'svg',
  'math',
  'head',
  'title',
  'textarea',
  'select',
]);

export const MAX_BODY_HTML = 200_000;

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** An https URL with a host, or null. */
export function safeHref(raw: string): string | null {
  const value = decodeEntities(raw).trim();
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && url.hostname ? url.toString() : null;
  } catch {
    return null;
  }
}

/** Blocks: opening one closes an open paragraph (as an HTML parser does), and text never sits outside one. */
const BLOCKS = new Set(['p', 'ul', 'ol', 'blockquote', 'h3', 'h4']);
/** Tags read as another of our vocabulary: an editor's or a word processor's block is a paragraph. */
const ALIASES: Record<string, string> = { div: 'p', h1: 'h3', h2: 'h3', h5: 'h4', h6: 'h4' };

/**
 * Rebuilds the body in the platform's vocabulary: paragraphs (a `div` from the editor's Enter and text at the top
 * level become `<p>`), line breaks, lists (Word's list paragraphs become `<ul><li>`, their bullet glyphs dropped),
 * bold, italic, underline, https links. Idempotent: sanitizing its own output gives the same bytes, so the
 * preview (sanitized once) is exactly what the composer queues (sanitized again).
 */
export function sanitizeHtml(input: string): string {
  const html = input.length > MAX_BODY_HTML ? input.slice(0, MAX_BODY_HTML) : input;
  const out: string[] = [];
  const open: string[] = [];
  let dropping: string | null = null;
  // Word's "supportLists" conditional sections hold the bullet glyph of a list paragraph: not text.
  let droppingListGlyph = false;
  // A list opened for Word's list paragraphs, closed by the next block that is not one.
  let wordList = false;
  let i = 0;
  const closeTo = (idx: number) => {
    while (open.length > idx) out.push(`</${open.pop()!}>`);
  };
  const closeParagraph = () => {
    const idx = open.lastIndexOf('p');
    if (idx !== -1 && !open.slice(idx + 1).some((t) => t === 'li')) closeTo(idx);
  };
  const closeWordList = () => {
    if (!wordList) return;
    wordList = false;
    const idx = open.lastIndexOf('ul');
    if (idx !== -1) closeTo(idx);
  };
  const ensureBlock = () => {
    if (open.length === 0) {
      out.push('<p>');
      open.push('p');
    }
  };
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > i && !dropping && !droppingListGlyph) {
      const text = decodeEntities(html.slice(i, textEnd));
      // Whitespace between blocks (the source's indentation) is not content.
      if (open.length > 0 || text.trim() !== '') {
        const implicit = open.length === 0;
        if (implicit) closeWordList();
        ensureBlock();
        // A paragraph opened for top-level text does not start with the source's line break or indentation.
        out.push(escapeText(implicit ? text.replace(/^\s+/, '') : text));
      }
    }
    if (lt === -1) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      const body = html.slice(lt + 4, end === -1 ? html.length : end);
      if (/\[if !supportLists\]/i.test(body)) droppingListGlyph = true;
      else if (/\[endif\]/i.test(body)) droppingListGlyph = false;
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith('<!', lt) || html.startsWith('<?', lt)) {
      // Declarations and Word's downlevel conditionals (<![if !supportLists]> … <![endif]>).
      const end = html.indexOf('>', lt + 2);
      const body = html.slice(lt + 2, end === -1 ? html.length : end);
      if (/^\[if !supportLists\]/i.test(body)) droppingListGlyph = true;
      else if (/^\[endif\]/i.test(body)) droppingListGlyph = false;
      i = end === -1 ? html.length : end + 1;
      continue;
    }
    const m = /^<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/.exec(html.slice(lt, lt + 4096));
    if (!m) {
      // A lone '<' is text.
      if (!dropping && !droppingListGlyph) {
        ensureBlock();
        out.push('&lt;');
      }
      i = lt + 1;
      continue;
    }
    i = lt + m[0].length;
    const closing = m[1] === '/';
    const rawTag = m[2]!.toLowerCase();
    const attrs = m[3] ?? '';
    if (dropping) {
      if (closing && rawTag === dropping) dropping = null;
      continue;
    }
    if (DROP_CONTENT.has(rawTag)) {
      if (!closing && !/\/\s*$/.test(attrs)) dropping = rawTag;
      continue;
    }
    let tag = ALIASES[rawTag] ?? rawTag;
    // A Word list paragraph (class MsoListParagraph…, style mso-list) is a list item.
    const wordItem = tag === 'p' && !closing && /MsoListParagraph|mso-list\s*:/i.test(attrs);
    if (tag === 'p' && closing && wordList && open[open.length - 1] === 'li') tag = 'li';
    if (!ALLOWED.has(tag)) continue;
    if (closing) {
      const idx = open.lastIndexOf(tag);
      if (idx === -1) continue;
      closeTo(idx);
      continue;
    }
    if (VOID.has(tag)) {
      ensureBlock();
      out.push(`<${tag}>`);
      continue;
    }
    if (wordItem) {
      closeParagraph();
      const li = open.lastIndexOf('li');
      if (wordList && li !== -1) closeTo(li);
      if (!wordList || open[open.length - 1] !== 'ul') {
        closeWordList();
        out.push('<ul>');
        open.push('ul');
        wordList = true;
      }
      out.push('<li>');
      open.push('li');
      continue;
    }
    if (BLOCKS.has(tag)) {
      if (open.length === 0 || tag !== 'p' || !open.includes('li')) closeWordList();
      closeParagraph();
    }
    if (tag === 'li') {
      // A new item closes the previous one of the same list (`<li>uno<li>dos`).
      const li = open.lastIndexOf('li');
      const list = Math.max(open.lastIndexOf('ul'), open.lastIndexOf('ol'));
      if (li > list && li !== -1) closeTo(li);
      if (list === -1) {
        closeParagraph();
        out.push('<ul>');
        open.push('ul');
      }
    } else if (!BLOCKS.has(tag)) {
      if (open.length === 0) closeWordList();
      ensureBlock();
    }
    if (tag === 'a') {
      const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attrs);
      const url = href ? safeHref(href[2] ?? href[3] ?? href[4] ?? '') : null;
      if (!url) continue; // a link we cannot keep becomes plain text
      out.push(`<a href="${escapeAttr(url)}" target="_blank" rel="noopener noreferrer">`);
      open.push('a');
      continue;
    }
    if (open.length >= 64) continue;
    out.push(`<${tag}>`);
    open.push(tag);
  }
  closeTo(0);
  return out.join('');
}

/**
 * Plain text (a `--body-file` without tags, a paste without HTML) as paragraphs: blank lines separate
 * paragraphs, single line breaks become `<br>`.
 */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return paragraphs.map((p) => `<p>${p.split('\n').map(escapeText).join('<br>')}</p>`).join('');
}

/** True when the text carries no HTML tag at all (then it is plain text, see `textToHtml`). */
export function looksLikePlainText(text: string): boolean {
  return !/<\/?[a-zA-Z][^>]*>/.test(text);
}

/** The plain text of sanitized HTML, for counters and the preview's summary. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br>/g, '\n')
      .replace(/<\/(p|li|h3|h4|blockquote)>/g, '\n')
      .replace(/<[^>]*>/g, ''),
  ).trim();
}
