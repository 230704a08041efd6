import { useI18n } from '../i18n';
import { Field } from './Field';

/**
 * A timestamp server's address, with the reason it cannot be used (not a URL, or plain http to another host):
 * the one field of Configuración's TSA profiles and of Firmar's "other address".
 */
export function TsaUrlField(props: {
  label: string;
  value: string;
  problem: 'invalid' | 'https' | null;
  onChange: (url: string) => void;
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <Field label={props.label} error={props.problem && t(props.problem === 'https' ? 'sign.longTerm.httpsOnly' : 'sign.longTerm.badUrl')}>
      {(c) => (
        <input
          {...c}
          type="url"
          value={props.value}
          placeholder="https://"
          onChange={(e) => props.onChange(e.target.value.trim())}
          data-testid={props.testId}
        />
      )}
    </Field>
  );
}
