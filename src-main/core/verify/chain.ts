/**
 * Builds the certificate chain from a signer (or TSA, or OCSP responder) certificate to a trust anchor using
 * the certificates the signature carries, and checks it at one point in time: signatures along the chain,
 * validity, basic constraints and path length, key usage of the CAs and of the end certificate.
 */
import { sameName, authorityKeyId, basicConstraints, commonName, extKeyUsage, keyUsage, subjectKeyId, type Cert } from './certificate';
import type { TrustStore } from './trust';

export type ChainPurpose = 'signing' | 'timestamping' | 'ocsp-signing';

export type ChainResult = {
  /** End certificate first, anchor (when reached) last. */
  chain: Cert[];
  trusted: boolean;
  anchor: Cert | null;
  /** A certificate's signature did not verify with its issuer's key. */
  chainBroken: boolean;
  validAtTime: boolean;
  usageAllowed: boolean;
  problems: string[];
};

const MAX_DEPTH = 10;
const EKU = { timeStamping: '1.3.6.1.5.5.7.3.8', ocspSigning: '1.3.6.1.5.5.7.3.9' } as const;

/**
 * Name (and key identifier, when both carry one) match only: unlike OpenSSL's check_issued this does not look
 * at the parent's key usage, so a leaf posing as a CA is found and then reported, not silently skipped.
 */
function issuedBy(child: Cert, parent: Cert): boolean {
  if (!sameName(child.parsed.issuer, parent.parsed.subject)) return false;
  const aki = authorityKeyId(child);
  const ski = subjectKeyId(parent);
  return !aki || !ski || aki.equals(ski);
}

function signedBy(child: Cert, parent: Cert): boolean {
  try {
    return child.x509.verify(parent.x509.publicKey);
  } catch {
    // An unsupported or mismatched key type is a failed signature, not a crash.
    return false;
  }
}

export function buildChain(end: Cert, pool: readonly Cert[], trust: TrustStore, at: Date, purpose: ChainPurpose): ChainResult {
  const problems: string[] = [];
  const chain: Cert[] = [end];
  let anchor: Cert | null = null;
  let chainBroken = false;
  let current = end;
  const candidates = [...trust.anchors.map((a) => a.cert), ...pool];
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    if (trust.anchorFor(current, { at, purpose })) {
      anchor = current;
      break;
    }
    const issuers = candidates.filter((c) => c.fingerprint !== current.fingerprint && issuedBy(current, c));
    const good =
      issuers.find((c) => trust.anchorFor(c, { at, purpose }) && signedBy(current, c)) ?? issuers.find((c) => signedBy(current, c));
    if (!good) {
      if (issuers.length) {
        chainBroken = true;
        problems.push(`La firma del certificado «${commonName(current.parsed.subject)}» no corresponde a su emisor.`);
      } else if (!issuedBy(current, current)) {
        problems.push(
          `No se encontró el certificado emisor de «${commonName(current.parsed.subject)}» (${commonName(current.parsed.issuer)}).`,
        );
      } else {
        problems.push(`La raíz «${commonName(current.parsed.subject)}» no está entre las autoridades de confianza.`);
      }
      break;
    }
    if (chain.some((c) => c.fingerprint === good.fingerprint)) {
      problems.push('La cadena de certificados forma un ciclo.');
      break;
    }
    chain.push(good);
    current = good;
  }

  let validAtTime = true;
  for (const c of chain) {
    const from = new Date(c.x509.validFrom);
    const to = new Date(c.x509.validTo);
    if (at < from || at > to) {
      validAtTime = false;
      problems.push(
        `El certificado «${commonName(c.parsed.subject)}» no era vigente el ${at.toISOString()} (vigencia ${from.toISOString()} a ${to.toISOString()}).`,
      );
    }
  }

  let usageAllowed = true;
  // Every issuer must be a CA allowed to sign certificates, within its path length.
  chain.slice(1).forEach((ca, i) => {
    const bc = basicConstraints(ca);
    const ku = keyUsage(ca);
    const name = commonName(ca.parsed.subject);
    if (!bc.ca) {
      usageAllowed = false;
      problems.push(`«${name}» emitió un certificado sin ser autoridad certificadora (basic constraints).`);
    }
    if (ku && !ku.has('keyCertSign')) {
      usageAllowed = false;
      problems.push(`«${name}» no tiene permitido firmar certificados (key usage).`);
    }
    // i = number of CA certificates below this one minus the end certificate.
    if (bc.pathLen !== null && i > bc.pathLen) {
      usageAllowed = false;
      problems.push(`La cadena excede la longitud permitida por «${name}».`);
    }
  });
  const ku = keyUsage(end);
  const eku = extKeyUsage(end);
  const endName = commonName(end.parsed.subject);
  if (purpose === 'signing' && ku && !ku.has('digitalSignature') && !ku.has('nonRepudiation')) {
    usageAllowed = false;
    problems.push(`El certificado «${endName}» no permite firmar (key usage).`);
  }
  if (purpose === 'timestamping' && !(eku ?? []).includes(EKU.timeStamping)) {
    usageAllowed = false;
    problems.push(`El certificado «${endName}» no es de sellado de tiempo (extended key usage).`);
  }
  if (purpose === 'ocsp-signing' && !(eku ?? []).includes(EKU.ocspSigning)) {
    usageAllowed = false;
    problems.push(`El certificado «${endName}» no puede firmar respuestas OCSP.`);
  }
  return { chain, trusted: anchor !== null && !chainBroken, anchor, chainBroken, validAtTime, usageAllowed, problems };
}
