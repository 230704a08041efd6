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

export function sanitizeHtml(input: string): string {
  const html = input.length > MAX_BODY_HTML ? input.slice(0, MAX_BODY_HTML) : input;
  const out: string[] = [];
  const open: string[] = [];
  let dropping: string | null = null;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? html.length : lt;
    if (textEnd > i && !dropping) out.push(escapeText(decodeEntities(html.slice(i, textEnd))));
    if (lt === -1) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end === -1 ? html.length : end + 3;
      continue;
    }
    const m = /^<\s*(\/?)\s*([a-zA-Z][a-zA-Z0-9]*)([^>]*)>/.exec(html.slice(lt, lt + 4096));
    if (!m) {
      // A lone '<' is text.
      if (!dropping) out.push('&lt;');
      i = lt + 1;
      continue;
    }
    i = lt + m[0].length;
    const closing = m[1] === '/';
    const tag = m[2]!.toLowerCase();
    if (dropping) {
      if (closing && tag === dropping) dropping = null;
      continue;
    }
    if (DROP_CONTENT.has(tag)) {
      if (!closing && !/\/\s*$/.test(m[3] ?? '')) dropping = tag;
      continue;
    }
    if (!ALLOWED.has(tag)) continue;
    if (closing) {
      const idx = open.lastIndexOf(tag);
      if (idx === -1) continue;
      while (open.length > idx) out.push(`</${open.pop()!}>`);
      continue;
    }
    if (VOID.has(tag)) {
      out.push(`<${tag}>`);
      continue;
    }
    if (tag === 'a') {
      const href = /\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(m[3] ?? '');
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
  while (open.length) out.push(`</${open.pop()!}>`);
  return out.join('');
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
