/**
 * Where credentials may be sent: a casilla backend (client secret) or a TSA (user and password) must be reached
 * over https, except on this machine (the embedded sandbox, a local test TSA), where http cannot be read by
 * anyone on the network.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** True for https URLs and for http URLs to a loopback address. */
export function isSecureServiceUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && isLoopbackHost(u.hostname);
}

export const INSECURE_URL_MESSAGE =
  'Use https:// (http:// solo se admite para 127.0.0.1 o localhost): las credenciales no deben viajar sin cifrar.';

/** The same refusal as a validation code the UI renders in the user's language (`validation.INSECURE_URL`). */
export const INSECURE_URL_ISSUE = { message: INSECURE_URL_MESSAGE, params: { code: 'INSECURE_URL' } } as const;
