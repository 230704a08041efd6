/**
 * RFC 3161 timestamps: signature timestamps (the unsigned attribute id-aa-signatureTimeStampToken, whose
 * imprint is the hash of the signature value) and document timestamps (/SubFilter /ETSI.RFC3161, whose
 * imprint is the hash of the byte ranges). Checks the imprint, the TSA's CMS signature and its chain at the
 * time it states.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../api/result';
import { hashNameOf, type HashName } from './algorithms';
import { buildChain, type ChainResult } from './chain';
import { checkCms, CmsOid, parseCms, unsignedAttribute, type CmsSignature } from './cms';
import { commonName } from './certificate';
import { hashBytes } from './digest';
import type { TrustStore } from './trust';

export type TimestampCheck = {
  time: Date | null;
  /** The TSA's name (its certificate's CN, or the token's tsa field). */
  tsa: string;
  imprintMatches: boolean;
  /** The token's own CMS signature and message digest hold. */
  intact: boolean;
  chain: ChainResult | null;
  /** Intact, imprint matches, and the TSA chains to a trust anchor with a time-stamping certificate valid at `time`. */
  valid: boolean;
  problems: string[];
};

/**
 * Checks a TimeStampToken. `hashImprinted(h)` hashes whatever the token is supposed to cover with the
 * algorithm the token names. Never throws: a token that does not parse is an invalid check with a problem.
 */
export function checkTimestamp(token: Uint8Array, hashImprinted: (h: HashName) => Buffer, trust: TrustStore): TimestampCheck {
  const out: TimestampCheck = { time: null, tsa: '', imprintMatches: false, intact: false, chain: null, valid: false, problems: [] };
  let cms: CmsSignature;
  let info: pkijs.TSTInfo;
  try {
    cms = parseCms(token);
    if (cms.eContentType !== CmsOid.tstInfo || !cms.eContent) throw new Error('el sello no contiene un TSTInfo');
    const asn = asn1js.fromBER(new Uint8Array(cms.eContent));
    if (asn.offset === -1) throw new Error('TSTInfo ilegible');
    info = new pkijs.TSTInfo({ schema: asn.result });
  } catch (err: unknown) {
    out.problems.push(`Sello de tiempo ilegible: ${err instanceof AppError || err instanceof Error ? err.message : String(err)}`);
    return out;
  }
  out.time = info.genTime;
  out.tsa = cms.signer ? commonName(cms.signer.parsed.subject) : info.tsa ? String(info.tsa.value) : 'TSA desconocida';

  const imprintHash = hashNameOf(info.messageImprint.hashAlgorithm.algorithmId);
  if (!imprintHash) out.problems.push(`Algoritmo de la huella del sello no soportado (${info.messageImprint.hashAlgorithm.algorithmId}).`);
  else {
    const expected = Buffer.from(info.messageImprint.hashedMessage.valueBlock.valueHexView);
    out.imprintMatches = hashImprinted(imprintHash).equals(expected);
    if (!out.imprintMatches) out.problems.push('La huella del sello de tiempo no corresponde a lo sellado.');
  }

  const cmsCheck = checkCms(cms, hashBytes(cms.eContent, cms.digestHash ?? 'sha256'));
  out.intact = cmsCheck.digestMatches && cmsCheck.signatureVerifies && cmsCheck.essMatches !== false;
  if (!out.intact) out.problems.push('La firma de la autoridad de sellado de tiempo no es válida.', ...cmsCheck.problems);

  if (cms.signer) {
    out.chain = buildChain(cms.signer, cms.certificates, trust, info.genTime, 'timestamping');
    out.problems.push(...out.chain.problems);
  }
  out.valid = out.intact && out.imprintMatches && Boolean(out.chain?.trusted && out.chain.validAtTime && out.chain.usageAllowed);
  return out;
}

/** The signature timestamp token of a signer, if any (DER of the TimeStampToken ContentInfo). */
export function signatureTimestampToken(cms: CmsSignature): Uint8Array | null {
  const attr = unsignedAttribute(cms.signerInfo, CmsOid.signatureTimeStampToken);
  return attr ? new Uint8Array(attr.toBER(false)) : null;
}

/** Checks the signature timestamp of `cms` (imprint = hash of the signer's signature value); null when it has none. */
export function checkSignatureTimestamp(cms: CmsSignature, trust: TrustStore): TimestampCheck | null {
  const token = signatureTimestampToken(cms);
  if (!token) return null;
  const signatureValue = Buffer.from(cms.signerInfo.signature.valueBlock.valueHexView);
  return checkTimestamp(token, (h) => hashBytes(signatureValue, h), trust);
}
