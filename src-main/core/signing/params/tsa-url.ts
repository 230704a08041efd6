/** A timestamp server address from a parameter file: the app's one URL policy (https, or http on this machine). */
import { AppError } from '../../../api/result';
import { INSECURE_URL_MESSAGE, isSecureServiceUrl } from '../../../api/url-policy';

export function checkTsaUrl(url: string, key = 'tsa'): void {
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(url).protocol);
  } catch {
    ok = false;
  }
  if (!ok) throw new AppError('SIGN_PARAMS_INVALID', `Parámetro «${key}» inválido: «${url}» no es una dirección http(s).`, { key });
  if (!isSecureServiceUrl(url)) throw new AppError('SIGN_PARAMS_INVALID', `Parámetro «${key}» inválido: ${INSECURE_URL_MESSAGE}`, { key });
}
