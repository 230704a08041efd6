/**
 * "Probar" a timestamp server: one RFC 3161 request over a throwaway digest, reporting the TSA's name and time.
 * Kept apart from `tsa-profiles.ts` so signing does not load the verifier's token parser.
 */
import crypto from 'node:crypto';
import type { TsaTestResult } from '../../api/tsa';
import { AppError } from '../../api/result';
import type { CoreContext } from '../context';
import { checkTimestamp } from '../verify/timestamp';
import { TrustStore } from '../verify/trust';
import { requestTimestampForImprint, type TsaConfig } from './tsa-client';
import { tsaConfigForProfile } from './tsa-profiles';

/**
 * "Probar": a timestamp over a random digest. Returns the TSA's name and time (and whether the token's own
 * signature holds); a failure is SIGN_TSA_FAILED with the reason in Spanish (credentials, HTTP status, timeout).
 */
export async function testTsa(config: TsaConfig, signal?: AbortSignal): Promise<TsaTestResult> {
  const imprint = crypto.createHash('sha256').update(crypto.randomBytes(32)).digest();
  const started = Date.now();
  const token = await requestTimestampForImprint({ timeoutMs: 15_000, ...config }, imprint, 'sha256', signal);
  const check = checkTimestamp(token, () => imprint, new TrustStore([]));
  if (!check.time || !check.imprintMatches)
    throw new AppError('SIGN_TSA_FAILED', 'No se pudo obtener el sello de tiempo: la respuesta de la TSA no es un sello válido.', {
      reason: check.problems.join(' '),
      kind: 'invalid',
    });
  return {
    tsaName: check.tsa,
    time: check.time.toISOString(),
    intact: check.intact,
    elapsedMs: Date.now() - started,
    tokenBytes: token.length,
  };
}

export async function testTsaProfile(
  core: Pick<CoreContext, 'settings' | 'secrets' | 'audit'>,
  idOrName: string,
  signal?: AbortSignal,
): Promise<TsaTestResult> {
  return testTsa(await tsaConfigForProfile(core, idOrName), signal);
}
