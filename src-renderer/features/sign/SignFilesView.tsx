import { FileDrop } from '../../components/FileDrop';
import { useI18n } from '../../i18n';
import type { PickedPdf } from './signSession';

/** The PDFs to sign: drop or pick, and the queue as picked. */
export function SignFilesView({ files, onFiles }: { files: PickedPdf[]; onFiles: (files: File[]) => void }) {
  const { t } = useI18n();
  return (
    <div className="field">
      <FileDrop
        label={t('sign.filesLabel')}
        hint={t('app.dropHint')}
        accept="application/pdf,.pdf"
        multiple
        testId="sign-files"
        onFiles={onFiles}
      />
      {files.length > 0 && (
        <ul className="attachments" data-testid="sign-file-list">
          {files.map((f) => (
            <li key={f.path}>{f.file.name}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
