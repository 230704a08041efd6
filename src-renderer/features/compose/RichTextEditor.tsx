import { useEffect, useRef } from 'react';
import { call } from '../../api';
import { useI18n } from '../../i18n';
import { Icon } from '../../components/Icon';

/** Plain text as paragraphs (blank lines) and line breaks; the core's sanitizer rebuilds it anyway. */
function textAsHtml(text: string): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .filter((p) => p.trim() !== '')
    .map((p) => `<p>${p.split('\n').map(esc).join('<br>')}</p>`)
    .join('');
}

/**
 * A small rich-text editor that writes the sanitizer's own vocabulary: Enter makes a `<p>` (not Chromium's
 * `<div>`), bold, italic, underline, lists, https links. A paste (Word, LibreOffice, a web page) goes through the
 * core's sanitizer first, so paragraphs and lists survive and styles do not. What it produces is still only a
 * proposal: the core sanitizes the HTML again before preview and before queuing.
 */
export function RichTextEditor({ value, onChange, labelledBy }: { value: string; onChange: (html: string) => void; labelledBy: string }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Only push outside changes (draft loaded, form cleared) into the editor, never while the user types.
    if (ref.current && ref.current.innerHTML !== value && document.activeElement !== ref.current) ref.current.innerHTML = value;
  }, [value]);

  useEffect(() => {
    // Enter makes paragraphs the sanitizer keeps (Chromium's default separator is a div).
    document.execCommand('defaultParagraphSeparator', false, 'p');
  }, []);

  const onPaste = (e: React.ClipboardEvent<HTMLDivElement>) => {
    const html = e.clipboardData.getData('text/html');
    const text = e.clipboardData.getData('text/plain');
    e.preventDefault();
    void (async () => {
      const r = await call('compose.sanitize', { html: html || textAsHtml(text) });
      if (!r.ok) return;
      ref.current?.focus();
      document.execCommand('insertHTML', false, r.value.html);
      onChange(ref.current?.innerHTML ?? '');
    })();
  };

  const exec = (command: string, arg?: string) => {
    ref.current?.focus();
    document.execCommand(command, false, arg);
    onChange(ref.current?.innerHTML ?? '');
  };
  const link = () => {
    const url = window.prompt(t('compose.linkPrompt'), 'https://');
    if (url && /^https:\/\/[^\s]+$/.test(url)) exec('createLink', url);
  };

  return (
    <div className="editor">
      <div className="editor-toolbar" role="toolbar" aria-label={t('compose.toolbar')}>
        <button type="button" onClick={() => exec('bold')} aria-label={t('compose.bold')}>
          <b>B</b>
        </button>
        <button type="button" onClick={() => exec('italic')} aria-label={t('compose.italic')}>
          <i>I</i>
        </button>
        <button type="button" onClick={() => exec('underline')} aria-label={t('compose.underline')}>
          <u>U</u>
        </button>
        <button type="button" onClick={() => exec('insertUnorderedList')} aria-label={t('compose.list')}>
          <Icon name="list" />
        </button>
        <button type="button" onClick={() => exec('insertOrderedList')} aria-label={t('compose.orderedList')}>
          1.
        </button>
        <button type="button" onClick={link} aria-label={t('compose.link')}>
          <Icon name="link" />
        </button>
      </div>
      <div
        ref={ref}
        className="editor-area"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-labelledby={labelledBy}
        tabIndex={0}
        data-testid="body-editor"
        onInput={() => onChange(ref.current?.innerHTML ?? '')}
        onPaste={onPaste}
      />
    </div>
  );
}
