/**
 * Builds a detached CAdES signature (CMS SignedData) over a precomputed document digest, as PAdES baseline
 * B-B wants: signed attributes content-type, message-digest and ESS signing-certificate-v2 (no signing-time:
 * PAdES takes the claimed time from the signature dictionary's /M), the certificate chain included, and for
 * B-T an RFC 3161 signature timestamp as unsigned attribute.
 */
import crypto from 'node:crypto';
import { child, children, parseDer, type Node } from './der';
import { ctx, integer, octetString, oid, seq, setOf } from './der-writer';
import type { SignFunction } from './keys/key-source';
import { digestAlgorithmId, signatureAlgorithmId, signBytes, type DigestName, type SignatureScheme } from './signature-algorithms';

const OIDS = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
} as const;

export type CadesInput = {
  /** Digest of the signed bytes (the PDF byte ranges), computed with `digest`. */
  documentDigest: Buffer;
  digest: DigestName;
  scheme: SignatureScheme;
  /** The key in this process (PKCS#12), or `sign` from a key source (token, NSS, remote): one of the two. */
  privateKey?: crypto.KeyObject | undefined;
  sign?: SignFunction | undefined;
  certificate: Buffer;
  chain: Buffer[];
  /** Returns an RFC 3161 TimeStampToken (DER ContentInfo) over the signature value, for B-T. */
  timestamp?: (signatureValue: Buffer) => Promise<Buffer>;
};

function raw(node: Node): Buffer {
  return Buffer.from(node.valueBeforeDecodeView);
}

/** The issuer Name and serialNumber of a certificate, byte for byte as in the certificate. */
export function issuerAndSerial(certDer: Buffer): { issuer: Buffer; serial: Buffer } {
  const tbs = child(parseDer(certDer), 0);
  const fields = children(tbs);
  const first = fields[0];
  const hasVersion = first !== undefined && first.idBlock.tagClass === 3 && first.idBlock.tagNumber === 0;
  const serial = fields[hasVersion ? 1 : 0];
  const issuer = fields[hasVersion ? 3 : 2];
  if (!serial || !issuer) throw new Error('certificado sin emisor o número de serie');
  return { issuer: raw(issuer), serial: raw(serial) };
}

function attribute(type: string, ...values: Buffer[]): Buffer {
  return seq(oid(type), setOf(...values));
}

export async function buildCadesSignature(input: CadesInput): Promise<Buffer> {
  const { issuer, serial } = issuerAndSerial(input.certificate);
  const certHash = crypto.createHash(input.digest).update(input.certificate).digest();
  // ESSCertIDv2: hashAlgorithm is DEFAULT sha256, so DER omits it for SHA-256.
  const essCertId = seq(
    ...(input.digest === 'sha256' ? [] : [digestAlgorithmId(input.digest)]),
    octetString(certHash),
    seq(seq(ctx(4, true, issuer)), serial),
  );
  const signedAttrs = [
    attribute(OIDS.contentType, oid(OIDS.data)),
    attribute(OIDS.messageDigest, octetString(input.documentDigest)),
    attribute(OIDS.signingCertificateV2, seq(seq(essCertId))),
  ];
  const signedAttrsSet = setOf(...signedAttrs);
  let signature: Buffer;
  if (input.sign) signature = await input.sign(signedAttrsSet, input.digest, input.scheme);
  else if (input.privateKey) signature = signBytes(input.scheme, input.digest, input.privateKey, signedAttrsSet);
  else throw new Error('firma sin clave: falta privateKey o sign');
  // In SignerInfo the same SET is re-tagged [0] IMPLICIT; the bytes inside stay exactly what was signed.
  const signedAttrsImplicit = Buffer.concat([Buffer.from([0xa0]), signedAttrsSet.subarray(1)]);
  const unsigned: Buffer[] = [];
  if (input.timestamp) {
    const token = await input.timestamp(signature);
    unsigned.push(ctx(1, true, attribute(OIDS.timeStampToken, token)));
  }
  const signerInfo = seq(
    integer(1),
    seq(issuer, serial),
    digestAlgorithmId(input.digest),
    signedAttrsImplicit,
    signatureAlgorithmId(input.scheme, input.digest),
    octetString(signature),
    ...unsigned,
  );
  const certificates = ctx(0, true, input.certificate, ...input.chain);
  const signedData = seq(integer(1), setOf(digestAlgorithmId(input.digest)), seq(oid(OIDS.data)), certificates, setOf(signerInfo));
  return seq(oid(OIDS.signedData), ctx(0, true, signedData));
}
