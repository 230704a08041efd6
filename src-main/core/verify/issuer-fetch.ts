/**
 * Completes a chain the signature left short (many signers embed only their own certificate): downloads the
 * missing issuer from the certificate's CA Issuers URL (AIA), as DER or as a certs-only PKCS#7, only when
 * online checks are allowed, with the same short timeouts and size caps as revocation.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { caIssuerUrls, certFromDer, type Cert } from './certificate';
import { httpFetch } from './http-fetch';

const MAX_HOPS = 4;

function certsFromDownload(body: Uint8Array): Cert[] {
  try {
    return [certFromDer(body)];
  } catch {
    // Not a lone certificate: try a PKCS#7 certs-only bundle (.p7c) below.
  }
  try {
    const ci = new pkijs.ContentInfo({ schema: asn1js.fromBER(body).result });
    const sd = new pkijs.SignedData({ schema: ci.content });
    return (sd.certificates ?? [])
      .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
      .map((c) => certFromDer(new Uint8Array(c.toSchema().toBER(false))));
  } catch {
    return [];
  }
}

/** Issuers found by following CA Issuers URLs up from `from` (bounded hops); problems say what failed. */
export async function fetchIssuers(from: Cert, timeoutMs: number): Promise<{ certs: Cert[]; problems: string[] }> {
  const certs: Cert[] = [];
  const problems: string[] = [];
  let current: Cert | undefined = from;
  for (let hop = 0; current && hop < MAX_HOPS; hop++) {
    const url = caIssuerUrls(current).find((u) => /^https?:\/\//i.test(u));
    if (!url) break;
    let next: Cert | undefined;
    try {
      const found = certsFromDownload(await httpFetch(url, { method: 'GET' }, timeoutMs, 1024 * 1024));
      certs.push(...found);
      next = found[0];
    } catch (err: unknown) {
      problems.push(`Emisor ${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!next || next.x509.checkIssued(next.x509)) break;
    current = next;
  }
  return { certs, problems };
}
