import { useI18n } from '../i18n';

/**
 * A timestamp server's address, with the reason it cannot be used (not a URL, or plain http to another host):
 * the one field of Configuración's TSA profiles and of Firmar's "other address".
 */
export function TsaUrlField(props: {
  id: string;
  label: string;
  value: string;
  problem: 'invalid' | 'https' | null;
  onChange: (url: string) => void;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="url"
        value={props.value}
        placeholder="https://"
        aria-invalid={props.problem !== null}
        onChange={(e) => props.onChange(e.target.value.trim())}
        data-testid={props.testId}
      />
      {props.problem && (
        <p role="alert" className="error">
          {t(props.problem === 'https' ? 'sign.longTerm.httpsOnly' : 'sign.longTerm.badUrl')}
        </p>
      )}
    </div>
  );
}
