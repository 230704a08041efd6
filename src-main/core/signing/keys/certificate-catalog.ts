/**
 * The one certificate list behind the picker (Firmar, "Firmar y adjuntar") and `casilla certs list`: every
 * certificate of every key source, each with why it cannot sign (blockers: no key, expired, not yet valid, key
 * usage without nonRepudiation, revoked per OCSP/CRL when online) and what deserves a look (warnings: chain not
 * trusted, revocation unknown). Remembered certificates come first. Sources that fail (a module that does not
 * load, a token pulled out) are reported as problems; the others are still listed.
 */
import crypto from 'node:crypto';
import type { CertificateChoice, CertificateProblem } from '../../../api/keys';
import type { SavedCertificate } from '../../../api/sign';
import { AppError } from '../../../api/result';
import type { CoreContext } from '../../context';
import { certFromDer, revocationUrls, type Cert } from '../../verify/certificate';
import { buildChain } from '../../verify/chain';
import { fetchIssuers } from '../../verify/issuer-fetch';
import { checkRevocation } from '../../verify/revocation';
import { buildTrustStore, bundledTrustDir, TrustStore } from '../../verify/trust';
import { assertUsableForSigning, type CertificateSummary } from '../certificate-summary';
import type { SourceCertificate } from './key-source';
import { defaultNssDatabases, nssSource } from './nss/nss-source';
import { installedModules } from './pkcs11/pkcs11-modules';
import { Pkcs11Source } from './pkcs11/pkcs11-source';

/** Settings keys: modules the user chose in the picker, and token certificates they asked to remember. */
export const PKCS11_MODULES_KEY = 'keys.pkcs11Modules';
export const REMEMBERED_TOKENS_KEY = 'keys.rememberedTokens';
const SAVED_P12_KEY = 'sign.certificates';

export type CatalogOptions = {
  pkcs11Modules?: string[];
  /** Also read the installed middlewares' modules and the NSS databases found in the home folder. */
  includeDefaults?: boolean;
  nssDatabases?: string[];
  online?: boolean;
  now?: Date;
  revocationTimeoutMs?: number;
};

type CatalogCore = Pick<CoreContext, 'settings' | 'home'>;

function problem(err: unknown): CertificateProblem {
  if (err instanceof AppError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

function usabilityBlockers(summary: CertificateSummary, now: Date): CertificateProblem[] {
  try {
    assertUsableForSigning(summary, now);
    return [];
  } catch (err) {
    return [problem(err)];
  }
}

/** Revocation (when online) and chain trust of a certificate whose DER we hold. */
async function certificateChecks(
  der: Buffer,
  chain: Buffer[],
  trust: TrustStore,
  options: { online: boolean; now: Date; timeoutMs: number },
): Promise<{ blockers: CertificateProblem[]; warnings: CertificateProblem[] }> {
  const blockers: CertificateProblem[] = [];
  const warnings: CertificateProblem[] = [];
  let cert: Cert;
  try {
    cert = certFromDer(der);
  } catch {
    return { blockers: [{ code: 'CERT_UNSUPPORTED', message: 'El certificado no se puede leer.' }], warnings };
  }
  const pool: Cert[] = [];
  for (const d of chain) {
    try {
      pool.push(certFromDer(d));
    } catch {
      // An unreadable extra certificate on a token only means a shorter pool.
    }
  }
  if (options.online) {
    const fetched = await fetchIssuers(cert, options.timeoutMs).catch(() => ({ certs: [] as Cert[], problems: [] }));
    pool.push(...fetched.certs);
  }
  const built = buildChain(cert, pool, trust, options.now, 'signing');
  if (!built.trusted)
    warnings.push({
      code: 'CERT_CHAIN_UNTRUSTED',
      message: 'La cadena del certificado no llega a una raíz de confianza: quien verifique la firma puede verla como INDETERMINADA.',
    });
  if (options.online) {
    const issuer = built.chain[1] ?? null;
    const urls = revocationUrls(cert);
    if (urls.ocsp.length || urls.crl.length) {
      const r = await checkRevocation(cert, issuer, [], { online: true, timeoutMs: options.timeoutMs });
      if (r.status === 'revoked')
        blockers.push({
          code: 'CERT_REVOKED',
          message: `El certificado fue revocado${r.revokedAt ? ` el ${r.revokedAt.slice(0, 10)}` : ''} (según ${r.source.includes('ocsp') ? 'OCSP' : 'CRL'}).`,
        });
      else if (r.status !== 'good')
        warnings.push({
          code: 'CERT_REVOCATION_UNKNOWN',
          message: 'No se pudo comprobar si el certificado está revocado (sin respuesta OCSP ni CRL).',
        });
    }
  }
  return { blockers, warnings };
}

function infoOf(summary: CertificateSummary): CertificateChoice['info'] {
  return { ...summary };
}

type RememberedToken = { key: string };

export async function listSigningCertificates(
  core: CatalogCore,
  options: CatalogOptions = {},
): Promise<{ certificates: CertificateChoice[]; problems: (CertificateProblem & { source: string })[] }> {
  const now = options.now ?? new Date();
  const online = options.online ?? false;
  const timeoutMs = options.revocationTimeoutMs ?? 4000;
  // Built only when a token certificate needs its chain judged: loading the national lists is not free.
  let trustStore: TrustStore | null = null;
  const trust = () => {
    if (!trustStore) {
      const bundledDir = bundledTrustDir();
      trustStore = buildTrustStore({ ...(bundledDir ? { bundledDir } : {}), settings: core.settings, home: core.home });
    }
    return trustStore;
  };
  const out: CertificateChoice[] = [];
  const problems: (CertificateProblem & { source: string })[] = [];

  for (const saved of core.settings.get<SavedCertificate[]>(SAVED_P12_KEY) ?? []) {
    out.push({
      key: `pkcs12:${saved.id}`,
      source: 'pkcs12',
      label: saved.label,
      remembered: true,
      secretKind: 'password',
      location: { file: saved.path },
      info: saved.info,
      blockers: usabilityBlockers(saved.info as CertificateSummary, now),
      warnings: [],
      ref: { certificateId: saved.id },
    });
  }

  const remembered = new Set((core.settings.get<RememberedToken[]>(REMEMBERED_TOKENS_KEY) ?? []).map((r) => r.key));
  const modules = new Set<string>([...(options.pkcs11Modules ?? []), ...(core.settings.get<string[]>(PKCS11_MODULES_KEY) ?? [])]);
  if (options.includeDefaults) for (const m of installedModules()) if (!/softhsm/i.test(m.path)) modules.add(m.path);
  const sources: { source: Pkcs11Source; nssDb?: string }[] = [...modules].map((m) => ({ source: new Pkcs11Source(m) }));
  for (const db of [...(options.nssDatabases ?? []), ...(options.includeDefaults ? defaultNssDatabases() : [])]) {
    const s = nssSource(db);
    if (s) sources.push({ source: s, nssDb: db });
  }

  for (const { source, nssDb } of sources) {
    let listed: SourceCertificate[];
    try {
      listed = await source.list();
    } catch (err) {
      problems.push({ ...problem(err), source: nssDb ?? source.modulePath });
      continue;
    }
    for (const c of listed) {
      if (!c.hasKey) continue; // CA certificates on the token are chain material, not signing choices.
      const key = `${source.kind}:${nssDb ?? source.modulePath}#${c.ref}`;
      const blockers = usabilityBlockers(c.summary, now);
      const checks = await certificateChecks(c.certificate, c.chain, trust(), { online, now, timeoutMs });
      out.push({
        key,
        source: source.kind,
        label: c.label,
        remembered: remembered.has(key),
        secretKind: 'pin',
        location: {
          module: source.modulePath,
          ...(c.location?.slot !== undefined ? { slot: c.location.slot } : {}),
          ...(c.location?.tokenLabel ? { tokenLabel: c.location.tokenLabel } : {}),
          ...(c.location?.objectId !== undefined ? { objectId: c.location.objectId } : {}),
          ...(nssDb ? { nssDb } : {}),
        },
        info: infoOf(c.summary),
        blockers: [...blockers, ...checks.blockers],
        warnings: checks.warnings,
        ref: {
          pkcs11: {
            module: source.modulePath,
            ...(c.location?.slot !== undefined ? { slot: c.location.slot } : {}),
            certId: c.location?.objectId ?? '',
            ...(nssDb ? { nssDb } : {}),
          },
        },
      });
    }
  }
  const rank = (c: CertificateChoice) => (c.remembered ? 0 : 2) + (c.blockers.length ? 1 : 0);
  out.sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label, 'es'));
  return { certificates: out, problems };
}

/** Refuses a token certificate that is revoked (when the OCSP/CRL server answers); silence is not a refusal. */
export async function assertNotRevoked(der: Buffer, chain: Buffer[], timeoutMs = 4000): Promise<void> {
  // Only the issuer is needed here (found among `chain` or by AIA), not trust: an empty store is enough.
  const r = await certificateChecks(der, chain, new TrustStore([]), { online: true, now: new Date(), timeoutMs });
  const revoked = r.blockers.find((b) => b.code === 'CERT_REVOKED');
  if (revoked) throw new AppError('CERT_REVOKED', revoked.message, { sha256: crypto.createHash('sha256').update(der).digest('hex') });
}
