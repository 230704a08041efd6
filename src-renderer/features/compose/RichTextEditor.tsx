import { useEffect, useRef } from 'react';
import { useI18n } from '../../i18n';
import { Icon } from '../../components/Icon';

/**
 * A small rich-text editor (bold, italic, underline, lists, https links). What it produces is only a proposal:
 * the core sanitizes the HTML again before preview and before queuing.
 */
export function RichTextEditor({ value, onChange, labelledBy }: { value: string; onChange: (html: string) => void; labelledBy: string }) {
  const { t } = useI18n();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Only push outside changes (draft loaded, form cleared) into the editor, never while the user types.
    if (ref.current && ref.current.innerHTML !== value && document.activeElement !== ref.current) ref.current.innerHTML = value;
  }, [value]);

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
      />
    </div>
  );
}
