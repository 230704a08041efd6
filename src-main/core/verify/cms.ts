/**
 * CMS SignedData as found in PDF signatures and RFC 3161 tokens: parse (bounded), find the signer
 * certificate, compare the message digest with a hash computed by the caller, verify the signature over
 * the signed attributes, and check the ESS signing-certificate(-v2) attribute.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { AppError } from '../../api/result';
import { createDigest, hashNameOf, isWeakHash, signatureHashOf, verifySignature, type HashName } from './algorithms';
import { certFromDer, commonName, nameAttr, subjectKeyId, type Cert } from './certificate';
import { children, readTlv, type Tlv } from './der-walk';

export const CmsOid = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  signatureTimeStampToken: '1.2.840.113549.1.9.16.2.14',
  adbeRevocationInfoArchival: '1.2.840.113113.1.1.8',
} as const;

/** Larger CMS blobs exist only in hostile files; real ones with full LTV data stay well under this. */
export const MAX_CMS_BYTES = 16 * 1024 * 1024;
const MAX_CMS_NODES = 2_000_000;
/** Key-only signature OIDs, whose hash comes from the CMS digest algorithm. */
const KEY_OIDS: Record<string, string> = { rsa: '1.2.840.113549.1.1.1', ec: '1.2.840.10045.2.1' };

export type CmsSignature = {
  signerInfo: pkijs.SignerInfo;
  certificates: Cert[];
  signer: Cert | null;
  digestHash: HashName | null;
  eContentType: string;
  /** The encapsulated content (the TSTInfo of a timestamp token); null when detached. */
  eContent: Buffer | null;
  /** The SignedData crls field as encoded: CRLs, and OCSP responses as other revocation info. */
  crls: Uint8Array[];
  otherRevocationInfo: Array<{ format: string; der: Uint8Array }>;
};

export const CmsErrorCode = 'VERIFY_CMS_UNREADABLE';

const isContext = (b: asn1js.AsnType | undefined, tag: number): b is asn1js.Constructed =>
  b instanceof asn1js.Constructed && b.idBlock.tagClass === 3 && b.idBlock.tagNumber === tag;

/**
 * Parses DER/BER SignedData (trailing zero padding from a PDF hole is allowed). Throws AppError on anything
 * malformed. The outer structure is walked with asn1js directly and only the SignerInfo goes through pkijs:
 * pkijs's schema check of a whole SignedData (every certificate included) costs more than the rest of a
 * verification.
 */
export function parseCms(der: Uint8Array): CmsSignature {
  if (der.length > MAX_CMS_BYTES) throw new AppError(CmsErrorCode, 'La firma es demasiado grande para ser una firma CMS.');
  try {
    const fast = parseDefiniteCms(der);
    if (fast) return fast;
    // asn1js stops at 10 000 nodes by default; a CMS carrying a large CRL has more. The size is already capped.
    const asn = asn1js.fromBER(der, { maxNodes: MAX_CMS_NODES });
    if (asn.offset === -1) throw new Error(asn.result.error || 'ASN.1 ilegible');
    const ci = asn.result;
    if (!(ci instanceof asn1js.Sequence)) throw new Error('ContentInfo no es una secuencia');
    const [type, wrapped] = ci.valueBlock.value;
    if (!(type instanceof asn1js.ObjectIdentifier) || type.valueBlock.toString() !== CmsOid.signedData) throw new Error('no es SignedData');
    const sd = isContext(wrapped, 0) ? wrapped.valueBlock.value[0] : undefined;
    if (!(sd instanceof asn1js.Sequence)) throw new Error('SignedData ausente');
    const fields = sd.valueBlock.value;
    // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
    const encap = fields[2];
    if (!(encap instanceof asn1js.Sequence)) throw new Error('encapContentInfo ausente');
    const [eType, eWrapped] = encap.valueBlock.value;
    if (!(eType instanceof asn1js.ObjectIdentifier)) throw new Error('eContentType ausente');
    const eOctets = isContext(eWrapped, 0) ? eWrapped.valueBlock.value[0] : undefined;
    // The certificates as encoded, not re-encoded: hashes (ESS, fingerprints) must be over the original bytes.
    const certificates: Cert[] = [];
    const certSet = fields.find((f) => isContext(f, 0));
    for (const c of certSet instanceof asn1js.Constructed ? certSet.valueBlock.value : []) {
      if (c instanceof asn1js.Sequence) certificates.push(certFromDer(new Uint8Array(c.valueBeforeDecodeView)));
    }
    const crls: Uint8Array[] = [];
    const otherRevocationInfo: Array<{ format: string; der: Uint8Array }> = [];
    const crlSet = fields.find((f) => isContext(f, 1));
    for (const c of crlSet instanceof asn1js.Constructed ? crlSet.valueBlock.value : []) {
      if (c instanceof asn1js.Sequence) crls.push(new Uint8Array(c.valueBeforeDecodeView));
      else if (isContext(c, 1)) {
        const [format, info] = c.valueBlock.value;
        if (format instanceof asn1js.ObjectIdentifier && info)
          otherRevocationInfo.push({ format: format.valueBlock.toString(), der: new Uint8Array(info.toBER(false)) });
      }
    }
    const signerInfos = fields[fields.length - 1];
    const first = signerInfos instanceof asn1js.Set ? signerInfos.valueBlock.value[0] : undefined;
    if (!first) throw new Error('sin firmante');
    const signerInfo = new pkijs.SignerInfo({ schema: first });
    return {
      signerInfo,
      certificates,
      signer: findSigner(signerInfo, certificates),
      digestHash: hashNameOf(signerInfo.digestAlgorithm.algorithmId),
      eContentType: eType.valueBlock.toString(),
      eContent: eOctets instanceof asn1js.OctetString ? octets(eOctets) : null,
      crls,
      otherRevocationInfo,
    };
  } catch (err: unknown) {
    if (err instanceof AppError) throw err;
    throw new AppError(CmsErrorCode, 'La firma no tiene una estructura CMS válida.', {
      cause: err instanceof Error ? err.message : String(err),
    });
  }
}

const oidOf = (buf: Uint8Array, t: Tlv | undefined): string | null => {
  if (!t || t.tag !== 0x06) return null;
  const r = asn1js.fromBER(buf.subarray(t.start, t.end)).result;
  return r instanceof asn1js.ObjectIdentifier ? r.valueBlock.toString() : null;
};

/**
 * The common case, DER with definite lengths: the SignedData fields are located with the DER walker and only
 * the SignerInfo is decoded; certificates are handed to certFromDer as they are (and cached there). Returns
 * null on anything unusual (BER indefinite lengths, constructed OCTET STRINGs) so the full parse decides.
 */
function parseDefiniteCms(der: Uint8Array): CmsSignature | null {
  const ci = readTlv(der, 0);
  if (!ci || ci.tag !== 0x30) return null;
  const [type, wrapped] = children(der, ci) ?? [];
  if (oidOf(der, type) !== CmsOid.signedData || !wrapped || wrapped.tag !== 0xa0) return null;
  const sd = children(der, wrapped)?.[0];
  if (!sd || sd.tag !== 0x30) return null;
  const fields = children(der, sd);
  const encap = fields?.[2];
  if (!fields || !encap || encap.tag !== 0x30) return null;
  const [eType, eWrapped] = children(der, encap) ?? [];
  const eContentType = oidOf(der, eType);
  if (!eContentType) return null;
  let eContent: Buffer | null = null;
  if (eWrapped) {
    const os = eWrapped.tag === 0xa0 ? children(der, eWrapped)?.[0] : undefined;
    if (!os || os.tag !== 0x04) return null;
    eContent = Buffer.from(der.subarray(os.contentStart, os.end));
  }
  const certificates: Cert[] = [];
  const crls: Uint8Array[] = [];
  const otherRevocationInfo: Array<{ format: string; der: Uint8Array }> = [];
  for (const f of fields.slice(3, -1)) {
    const items = children(der, f);
    if (!items) return null;
    if (f.tag === 0xa0) for (const c of items) if (c.tag === 0x30) certificates.push(certFromDer(der.subarray(c.start, c.end)));
    if (f.tag === 0xa1) {
      for (const c of items) {
        if (c.tag === 0x30) crls.push(der.slice(c.start, c.end));
        else if (c.tag === 0xa1) {
          const [format, info] = children(der, c) ?? [];
          const oid = oidOf(der, format);
          if (oid && info) otherRevocationInfo.push({ format: oid, der: der.slice(info.start, info.end) });
        }
      }
    }
  }
  const signerInfos = fields[fields.length - 1];
  const first = signerInfos && signerInfos.tag === 0x31 ? children(der, signerInfos)?.[0] : undefined;
  if (!first) return null;
  const asn = asn1js.fromBER(der.slice(first.start, first.end));
  if (asn.offset === -1) return null;
  const signerInfo = new pkijs.SignerInfo({ schema: asn.result });
  return {
    signerInfo,
    certificates,
    signer: findSigner(signerInfo, certificates),
    digestHash: hashNameOf(signerInfo.digestAlgorithm.algorithmId),
    eContentType,
    eContent,
    crls,
    otherRevocationInfo,
  };
}

/** An OCTET STRING's content, joining the chunks of a constructed (BER) one. */
function octets(os: asn1js.OctetString): Buffer {
  if (os.idBlock.isConstructed)
    return Buffer.concat(os.valueBlock.value.map((v) => Buffer.from((v as asn1js.OctetString).valueBlock.valueHexView)));
  return Buffer.from(os.valueBlock.valueHexView);
}

function findSigner(si: pkijs.SignerInfo, certs: Cert[]): Cert | null {
  const sid = si.sid as unknown;
  if (sid instanceof pkijs.IssuerAndSerialNumber) {
    return (
      certs.find(
        (c) =>
          // Serial first: it is cheap and almost always decides; pkijs's name comparison is not.
          c.parsed.serialNumber.isEqual(sid.serialNumber) && c.parsed.issuer.isEqual(sid.issuer),
      ) ?? null
    );
  }
  if (sid instanceof asn1js.Primitive || sid instanceof asn1js.Constructed) {
    const ski = Buffer.from((sid as asn1js.Primitive).valueBlock.valueHexView ?? new Uint8Array());
    return certs.find((c) => subjectKeyId(c)?.equals(ski)) ?? null;
  }
  return null;
}

export function signedAttribute(si: pkijs.SignerInfo, oid: string): asn1js.AsnType | undefined {
  return si.signedAttrs?.attributes.find((a) => a.type === oid)?.values[0];
}

export function unsignedAttribute(si: pkijs.SignerInfo, oid: string): asn1js.AsnType | undefined {
  return si.unsignedAttrs?.attributes.find((a) => a.type === oid)?.values[0];
}

export type CmsCheck = {
  digestMatches: boolean;
  signatureVerifies: boolean;
  /** null when there is no ESS attribute. */
  essMatches: boolean | null;
  weakAlgorithm: boolean;
  /** The digest algorithm cannot be computed here: digestMatches proves nothing. */
  digestUnchecked: boolean;
  /** The signature algorithm (or its parameters) cannot be checked here: signatureVerifies proves nothing. */
  signatureUnchecked: boolean;
  /** e.g. `RSA SHA-256`. */
  algorithm: string;
  claimedTime: Date | null;
  problems: string[];
};

/**
 * Checks one signer against `contentDigest`, the caller's hash of the signed content made with
 * `cms.digestHash`. Never throws: every failure is a false field plus a problem line.
 */
export function checkCms(cms: CmsSignature, contentDigest: Buffer): CmsCheck {
  const si = cms.signerInfo;
  const problems: string[] = [];
  const out: CmsCheck = {
    digestMatches: false,
    signatureVerifies: false,
    essMatches: null,
    weakAlgorithm: isWeakHash(cms.digestHash),
    digestUnchecked: cms.digestHash === null,
    signatureUnchecked: false,
    algorithm: '',
    claimedTime: null,
    problems,
  };
  if (!cms.digestHash) problems.push(`algoritmo no soportado: resumen ${si.digestAlgorithm.algorithmId}`);
  if (!cms.signer) {
    problems.push('el certificado del firmante no está incluido en la firma');
    return out;
  }
  const sig = Buffer.from(si.signature.valueBlock.valueHexView);
  if (si.signedAttrs) {
    const md = signedAttribute(si, CmsOid.messageDigest);
    out.digestMatches = md instanceof asn1js.OctetString && Buffer.from(md.valueBlock.valueHexView).equals(contentDigest);
    // The signature covers the attributes DER-encoded as a SET (tag 0x31), not as the [0] implicit field.
    const attrs = Buffer.from(si.signedAttrs.encodedValue);
    attrs[0] = 0x31;
    let check = verifySignature(si.signatureAlgorithm, cms.digestHash, attrs, sig, cms.signer.x509.publicKey);
    const named = signatureHashOf(si.signatureAlgorithm.algorithmId);
    if (!check.ok && named && cms.digestHash && named !== cms.digestHash) {
      // RFC 5652 §5.4: the signed attributes are digested with digestAlgorithm. A signature algorithm naming
      // another hash is checked with the digest algorithm too, as the standard defines the computation.
      const bare = new pkijs.AlgorithmIdentifier({
        algorithmId: KEY_OIDS[cms.signer.x509.publicKey.asymmetricKeyType ?? ''] ?? si.signatureAlgorithm.algorithmId,
      });
      const retry = verifySignature(bare, cms.digestHash, attrs, sig, cms.signer.x509.publicKey);
      if (retry.ok) check = retry;
    }
    out.signatureVerifies = check.ok;
    out.signatureUnchecked = Boolean(check.unsupported);
    out.algorithm = check.algorithm;
    if (check.problem) problems.push(check.problem);
    // RFC 5652 §5.4 digests the signed attributes with digestAlgorithm; a signature algorithm naming another
    // hash is inconsistent. The signature was verified with the hash it names; the disagreement is reported.
    if (check.ok && named && cms.digestHash && named !== cms.digestHash)
      problems.push(`los algoritmos de resumen (${cms.digestHash}) y de firma (${named}) no concuerdan`);
    if (isWeakHash(check.hash)) out.weakAlgorithm = true;
    out.essMatches = essMatches(si, cms.signer);
    out.claimedTime = signingTime(si);
  } else {
    // Without signed attributes the signature is over the content digest itself; only RSA PKCS#1 v1.5 can be
    // checked from a digest with node:crypto (recover the DigestInfo and compare).
    out.algorithm = `RSA ${cms.digestHash?.toUpperCase() ?? '?'}`;
    if (cms.signer.x509.publicKey.asymmetricKeyType !== 'rsa') {
      // Without signed attributes only the content digest is at hand; node:crypto checks RSA from a digest only.
      out.signatureUnchecked = true;
      problems.push('algoritmo no soportado: firma sin atributos firmados con una clave que no es RSA');
      return out;
    }
    try {
      const recovered = crypto.publicDecrypt({ key: cms.signer.x509.publicKey, padding: crypto.constants.RSA_PKCS1_PADDING }, sig);
      out.digestMatches = recovered.subarray(recovered.length - contentDigest.length).equals(contentDigest);
      out.signatureVerifies = out.digestMatches;
    } catch (err: unknown) {
      problems.push(
        'firma sin atributos firmados y con un algoritmo que no se puede comprobar: ' + (err instanceof Error ? err.message : String(err)),
      );
    }
  }
  return out;
}

function signingTime(si: pkijs.SignerInfo): Date | null {
  const t = signedAttribute(si, CmsOid.signingTime);
  if (t instanceof asn1js.UTCTime || t instanceof asn1js.GeneralizedTime) return t.toDate();
  return null;
}

/**
 * ESS signing-certificate(-v2): the first ESSCertID must hash to the signer certificate. Guards against
 * substituting another certificate with the same key. null when the attribute is absent.
 */
export function essMatches(si: pkijs.SignerInfo, signer: Cert): boolean | null {
  const v2 = signedAttribute(si, CmsOid.signingCertificateV2);
  const v1 = signedAttribute(si, CmsOid.signingCertificate);
  const attr = v2 ?? v1;
  if (!attr) return null;
  if (!(attr instanceof asn1js.Sequence)) return false;
  const certs = attr.valueBlock.value[0];
  if (!(certs instanceof asn1js.Sequence)) return false;
  const first = certs.valueBlock.value[0];
  if (!(first instanceof asn1js.Sequence)) return false;
  const parts = first.valueBlock.value;
  let hash: HashName | null = v2 ? 'sha256' : 'sha1';
  let i = 0;
  if (v2 && parts[0] instanceof asn1js.Sequence) {
    const alg = new pkijs.AlgorithmIdentifier({ schema: parts[0] });
    hash = hashNameOf(alg.algorithmId);
    i = 1;
  }
  const certHash = parts[i];
  if (!hash || !(certHash instanceof asn1js.OctetString)) return false;
  return crypto.createHash(hash).update(signer.der).digest().equals(Buffer.from(certHash.valueBlock.valueHexView));
}

export function signerSummary(cert: Cert): { name: string; id: string | null; issuer: string; serial: string } {
  return {
    name: commonName(cert.parsed.subject),
    id: nameAttr(cert.parsed.subject, 'serialNumber'),
    issuer: commonName(cert.parsed.issuer),
    serial: cert.serial,
  };
}

/** The digest of bytes with a CMS digest algorithm (adbe.pkcs7.sha1 signs the SHA-1 of the ranges as content). */
export function digestOf(hash: HashName, data: Uint8Array): Buffer {
  return createDigest(hash).update(data).digest();
}
