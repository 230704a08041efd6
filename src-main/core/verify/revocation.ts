/**
 * Revocation of one certificate: what the signature carries first (the CMS adbe-revocationInfoArchival
 * attribute and CMS crls, then the PDF's DSS), then, only when online checks are allowed, OCSP and CRL from
 * the certificate's own URLs with short timeouts and size caps. The first definite answer wins.
 */
import * as asn1js from 'asn1js';
import type { RevocationSource, RevocationSummary } from './report';
import { revocationUrls, type Cert } from './certificate';
import { CmsOid, signedAttribute, type CmsSignature } from './cms';
import { readCrl } from './crl';
import { httpFetch } from './http-fetch';
import { ocspRequest, readOcspResponse, type CertStatusAnswer } from './ocsp';

export type RevocationData = { ocsps: Uint8Array[]; crls: Uint8Array[] };

export type RevocationOptions = {
  online: boolean;
  /** Per request; default 5 s. */
  timeoutMs?: number;
  /** Largest response accepted; default 10 MB (big national CRLs exist). */
  maxBytes?: number;
  /** Online answers already obtained in this verification, by certificate and issuer. */
  onlineCache?: Map<string, Promise<RevocationResult>>;
  /** Epoch ms after which no more requests are made (the file's whole online budget). */
  deadline?: number;
};

export type RevocationResult = RevocationSummary & { problems: string[] };

const OCSP_RI_FORMAT = '1.3.6.1.5.5.7.16.2';

/** Revocation data carried inside the CMS: the Adobe signed attribute and the SignedData crls field. */
export function revocationFromCms(cms: CmsSignature): RevocationData {
  const out: RevocationData = { ocsps: [], crls: [] };
  const attr = signedAttribute(cms.signerInfo, CmsOid.adbeRevocationInfoArchival);
  if (attr instanceof asn1js.Sequence) {
    for (const tagged of attr.valueBlock.value) {
      if (!(tagged instanceof asn1js.Constructed)) continue;
      const list = tagged.valueBlock.value[0];
      if (!(list instanceof asn1js.Sequence)) continue;
      for (const item of list.valueBlock.value) {
        const der = new Uint8Array(item.toBER(false));
        if (tagged.idBlock.tagNumber === 0) out.crls.push(der);
        else if (tagged.idBlock.tagNumber === 1) out.ocsps.push(der);
      }
    }
  }
  out.crls.push(...cms.crls);
  for (const o of cms.otherRevocationInfo) if (o.format === OCSP_RI_FORMAT) out.ocsps.push(o.der);
  return out;
}

/** A good/revoked answer, keeping the problems met before it (a dead OCSP server before a CRL answered). */
function definite(a: CertStatusAnswer, source: RevocationSource, earlier: string[]): RevocationResult | null {
  if (a.status === 'unknown') return null;
  return {
    status: a.status,
    source,
    ...(a.revokedAt ? { revokedAt: a.revokedAt.toISOString() } : {}),
    problems: [...earlier, ...a.problems],
  };
}

/**
 * The revocation status of `cert` (issued by `issuer`). `embedded` lists sources in the order to try.
 * Never throws: network failures and bad responses end as `unknown` with the problems seen.
 */
export async function checkRevocation(
  cert: Cert,
  issuer: Cert | null,
  embedded: Array<{ data: RevocationData; kind: 'embedded' | 'dss' }>,
  options: RevocationOptions,
): Promise<RevocationResult> {
  const problems: string[] = [];
  if (!issuer) return { status: 'unknown', source: 'none', problems: ['Sin el certificado emisor no se puede consultar la revocación.'] };
  for (const { data, kind } of embedded) {
    for (const der of data.ocsps) {
      const a = readOcspResponse(der, cert, issuer);
      const d = definite(a, kind === 'dss' ? 'dss-ocsp' : 'embedded-ocsp', problems);
      if (d) return d;
      problems.push(...a.problems);
    }
    for (const der of data.crls) {
      const a = readCrl(der, cert, issuer);
      const d = definite(a, kind === 'dss' ? 'dss-crl' : 'embedded-crl', problems);
      if (d) return d;
      problems.push(...a.problems);
    }
  }
  if (!options.online) {
    problems.push('No hay datos de revocación incluidos y la consulta en línea está desactivada.');
    return { status: 'unknown', source: 'none', problems };
  }
  // The same certificate recurs in every signature of a file: ask the network once per file.
  const key = `${cert.fingerprint}|${issuer.fingerprint}`;
  const cached = options.onlineCache?.get(key);
  const pending = cached ?? checkOnline(cert, issuer, options);
  if (!cached) options.onlineCache?.set(key, pending);
  const online = await pending;
  return { ...online, problems: [...problems, ...online.problems] };
}

/** At most this many URLs of each kind are tried: a hostile certificate can list hundreds. */
const MAX_URLS = 2;

async function checkOnline(cert: Cert, issuer: Cert, options: RevocationOptions): Promise<RevocationResult> {
  const problems: string[] = [];
  const urls = revocationUrls(cert);
  const left = options.deadline === undefined ? Infinity : options.deadline - Date.now();
  if (left <= 0)
    return { status: 'unknown', source: 'none', problems: ['Se agotó el tiempo total de consultas en línea para este archivo.'] };
  const timeoutMs = Math.max(1, Math.min(options.timeoutMs ?? 5000, left));
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  for (const url of urls.ocsp.filter(isHttp).slice(0, MAX_URLS)) {
    try {
      const body = await httpFetch(
        url,
        { method: 'POST', body: ocspRequest(cert, issuer), contentType: 'application/ocsp-request' },
        timeoutMs,
        maxBytes,
      );
      const a = readOcspResponse(body, cert, issuer);
      const d = definite(a, 'online-ocsp', problems);
      if (d) return d;
      problems.push(...a.problems);
    } catch (err: unknown) {
      problems.push(`OCSP ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  for (const url of urls.crl.filter(isHttp).slice(0, MAX_URLS)) {
    try {
      const a = readCrl(await httpFetch(url, { method: 'GET' }, timeoutMs, maxBytes), cert, issuer);
      const d = definite(a, 'online-crl', problems);
      if (d) return d;
      problems.push(...a.problems);
    } catch (err: unknown) {
      problems.push(`CRL ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (!urls.ocsp.length && !urls.crl.length) problems.push('El certificado no indica servidores OCSP ni CRL.');
  return { status: 'unknown', source: 'none', problems };
}

function isHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}
