/** A timestamp server address: http(s) only, and https for anything but this machine (credentials travel in it). */
import { AppError } from '../../../api/result';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function checkTsaUrl(url: string, key = 'tsa'): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch (err) {
    throw new AppError('SIGN_PARAMS_INVALID', `Parámetro «${key}» inválido: «${url}» no es una dirección.`, { key }, { cause: err });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new AppError('SIGN_PARAMS_INVALID', `Parámetro «${key}» inválido: la dirección debe ser https.`, { key });
  if (u.protocol === 'http:' && !LOCAL_HOSTS.has(u.hostname))
    throw new AppError(
      'SIGN_PARAMS_INVALID',
      `Parámetro «${key}» inválido: use https para un servidor que no es este equipo (${u.hostname}).`,
      {
        key,
      },
    );
  return u;
}
