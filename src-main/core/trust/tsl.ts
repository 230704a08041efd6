/**
 * ETSI TS 119 612 Trusted Lists (Peru's INDECOPI list): XMLDSig verification, then parsing of what was signed.
 *
 * The XML signature is checked with xml-crypto over @xmldom/xmldom, and the list is then read from the bytes the
 * signature covers (`getSignedReferences`), never from the original document: an element smuggled next to the
 * signed one (signature wrapping) is not what we read. A DOCTYPE is refused; size and counts are bounded.
 *
 * Failure contract: `readTsl` throws AppError TRUST_TSL_INVALID (not a list, too large, malformed),
 * TRUST_TSL_SIGNATURE (unsigned, altered, signed by a certificate we were not told to accept).
 */
import crypto from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { AppError } from '../../api/result';

export const TSL_NS = 'http://uri.etsi.org/02231/v2#';
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const MAX_TSL_BYTES = 16 * 1024 * 1024;
const MAX_PROVIDERS = 2000;
const MAX_SERVICES = 20000;
const MAX_IDS_PER_SERVICE = 32;

export type TslStatusPeriod = { status: string; from: string };

export type TslService = {
  /** e.g. http://uri.etsi.org/TrstSvc/Svctype/CA/QC */
  type: string;
  name: string;
  /** Current status URI (or the list's own text) and since when. */
  status: string;
  statusSince: string | null;
  /** Earlier statuses, most recent first, as the list's ServiceHistory gives them. */
  history: TslStatusPeriod[];
  certificates: Buffer[];
};

export type TslProvider = { name: string; services: TslService[] };

export type TrustedList = {
  territory: string | null;
  operator: string;
  sequenceNumber: number;
  issued: string | null;
  nextUpdate: string | null;
  distributionPoints: string[];
  providers: TslProvider[];
  /** DER of the certificate that signed the list, and the SHA-256 of its public key. */
  signer: { certificate: Buffer; spkiSha256: string; subject: string };
};

function invalid(message: string): AppError {
  return new AppError('TRUST_TSL_INVALID', message);
}

function badSignature(message: string, details?: Record<string, unknown>): AppError {
  return new AppError('TRUST_TSL_SIGNATURE', message, details);
}

function parseXml(xml: string): ReturnType<DOMParser['parseFromString']> {
  if (/<!DOCTYPE/i.test(xml)) throw invalid('La lista de confianza contiene una declaración DOCTYPE, que no se admite.');
  let error: string | null = null;
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') error ??= msg;
    },
  }).parseFromString(xml, 'text/xml');
  if (error || !doc.documentElement) throw invalid(`La lista de confianza no es XML válido (${error ?? 'vacía'}).`);
  return doc;
}

function kids(el: Element, local: string, ns = TSL_NS): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      const e = n as Element;
      if (e.localName === local && e.namespaceURI === ns) out.push(e);
    }
  }
  return out;
}

function kid(el: Element | undefined, local: string): Element | undefined {
  return el ? kids(el, local)[0] : undefined;
}

function text(el: Element | undefined): string | null {
  const t = el?.textContent?.trim();
  return t ? t : null;
}

/** The Name in Spanish, else English, else the first one. */
function localizedName(el: Element | undefined): string {
  if (!el) return '';
  const names = kids(el, 'Name');
  const pick = (lang: string) => names.find((n) => n.getAttribute('xml:lang') === lang);
  return (text(pick('es')) ?? text(pick('en')) ?? text(names[0]) ?? '').replace(/\s+/g, ' ');
}

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${
    der
      .toString('base64')
      .match(/.{1,64}/g)
      ?.join('\n') ?? ''
  }\n-----END CERTIFICATE-----\n`;
}

export function spkiSha256(der: Buffer): string {
  const spki = new crypto.X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
  return crypto.createHash('sha256').update(spki).digest('hex');
}

/**
 * Verifies the list's XML signature and returns what it signed. `acceptSigners` (SPKI SHA-256 values) pins who
 * may sign: a list signed by any other key is refused, however valid its signature. Without pins (the bundled
 * snapshot, checked against the key in its own KeyInfo) the caller decides what to do with `signer`.
 */
export function readTsl(xml: string, options: { acceptSigners?: string[]; bytesAlreadyTrusted?: boolean } = {}): TrustedList {
  if (Buffer.byteLength(xml, 'utf8') > MAX_TSL_BYTES) throw invalid('La lista de confianza supera el tamaño máximo admitido (16 MB).');
  const doc = parseXml(xml);
  const root = doc.documentElement as unknown as Element;
  if (root.localName !== 'TrustServiceStatusList' || root.namespaceURI !== TSL_NS)
    throw invalid('El archivo no es una lista de confianza ETSI TS 119 612 (TrustServiceStatusList).');
  const signatures = doc.getElementsByTagNameNS(DS_NS, 'Signature');
  if (signatures.length === 0) throw badSignature('La lista de confianza no está firmada.');
  if (signatures.length > 1) throw badSignature('La lista de confianza tiene más de una firma XML; no se acepta.');
  const signature = signatures.item(0) as unknown as Element;
  if (signature.parentNode !== (root as unknown)) throw badSignature('La firma XML no está en la raíz de la lista.');
  const certText = signature.getElementsByTagNameNS(DS_NS, 'X509Certificate').item(0)?.textContent?.replace(/\s+/g, '');
  if (!certText) throw badSignature('La firma de la lista no incluye el certificado del firmante.');
  const signerDer = Buffer.from(certText, 'base64');
  let signerSpki: string;
  let signerSubject: string;
  try {
    signerSpki = spkiSha256(signerDer);
    signerSubject = new crypto.X509Certificate(signerDer).subject.replace(/\n/g, ', ');
  } catch {
    throw badSignature('El certificado del firmante de la lista no se puede leer.');
  }
  if (options.acceptSigners && !options.acceptSigners.includes(signerSpki))
    throw badSignature(
      `La lista está firmada por «${signerSubject}», que no es el firmante reconocido de esta lista. No se reemplazó nada.`,
      { signerSpkiSha256: signerSpki },
    );
  // The bundled snapshot was verified when it was imported and is matched by its SHA-256 (the manifest ships with
  // the code, so it is as trusted as the code): its seconds-long XMLDSig check is skipped, nothing else is.
  if (options.bytesAlreadyTrusted)
    return { ...parseList(root), signer: { certificate: signerDer, spkiSha256: signerSpki, subject: signerSubject } };
  const sx = new SignedXml({ publicCert: toPem(signerDer), getCertFromKeyInfo: () => null });
  sx.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
  let ok = false;
  try {
    ok = sx.checkSignature(xml);
  } catch (err) {
    throw badSignature(`La firma XML de la lista no es válida (${err instanceof Error ? err.message : String(err)}).`);
  }
  if (!ok) throw badSignature('La firma XML de la lista no es válida: el contenido fue alterado después de firmarse.');
  const rootId = root.getAttribute('Id');
  const docRef = sx.getReferences().find((r) => r.uri === '' || (rootId !== null && r.uri === `#${rootId}`));
  if (!docRef) throw badSignature('La firma XML no cubre la lista completa.');
  // Read the list from what was signed, not from the document we were given.
  const signedRoot = sx
    .getSignedReferences()
    .map((s) => parseXml(s).documentElement as unknown as Element | null)
    .find((e) => e?.localName === 'TrustServiceStatusList' && e.namespaceURI === TSL_NS);
  if (!signedRoot) throw badSignature('La firma XML no cubre la lista completa.');
  return { ...parseList(signedRoot), signer: { certificate: signerDer, spkiSha256: signerSpki, subject: signerSubject } };
}

function parseList(root: Element): Omit<TrustedList, 'signer'> {
  const info = kid(root, 'SchemeInformation');
  if (!info) throw invalid('La lista de confianza no tiene SchemeInformation.');
  const seq = Number(text(kid(info, 'TSLSequenceNumber')));
  if (!Number.isInteger(seq) || seq < 0) throw invalid('La lista de confianza no tiene un TSLSequenceNumber válido.');
  const nextUpdate = text(kid(kid(info, 'NextUpdate'), 'dateTime'));
  const distribution = kid(info, 'DistributionPoints');
  const providers: TslProvider[] = [];
  let serviceCount = 0;
  const list = kid(root, 'TrustServiceProviderList');
  for (const p of list ? kids(list, 'TrustServiceProvider') : []) {
    if (providers.length >= MAX_PROVIDERS) throw invalid('La lista de confianza tiene demasiados prestadores.');
    const name = localizedName(kid(kid(p, 'TSPInformation'), 'TSPName'));
    const services: TslService[] = [];
    const svcList = kid(p, 'TSPServices');
    for (const s of svcList ? kids(svcList, 'TSPService') : []) {
      if (++serviceCount > MAX_SERVICES) throw invalid('La lista de confianza tiene demasiados servicios.');
      const si = kid(s, 'ServiceInformation');
      if (!si) continue;
      const certificates: Buffer[] = [];
      const sdi = kid(si, 'ServiceDigitalIdentity');
      for (const id of sdi ? kids(sdi, 'DigitalId').slice(0, MAX_IDS_PER_SERVICE) : []) {
        const b64 = text(kid(id, 'X509Certificate'))?.replace(/\s+/g, '');
        if (b64) certificates.push(Buffer.from(b64, 'base64'));
      }
      const history: TslStatusPeriod[] = [];
      const sh = kid(s, 'ServiceHistory');
      for (const h of sh ? kids(sh, 'ServiceHistoryInstance').slice(0, 100) : []) {
        const st = text(kid(h, 'ServiceStatus'));
        const from = text(kid(h, 'StatusStartingTime'));
        if (st && from) history.push({ status: st, from });
      }
      services.push({
        type: text(kid(si, 'ServiceTypeIdentifier')) ?? '',
        name: localizedName(kid(si, 'ServiceName')),
        status: text(kid(si, 'ServiceStatus')) ?? '',
        statusSince: text(kid(si, 'StatusStartingTime')),
        history,
        certificates,
      });
    }
    providers.push({ name, services });
  }
  return {
    territory: text(kid(info, 'SchemeTerritory')),
    operator: localizedName(kid(info, 'SchemeOperatorName')),
    sequenceNumber: seq,
    issued: text(kid(info, 'ListIssueDateTime')),
    nextUpdate,
    distributionPoints: distribution ? kids(distribution, 'URI').flatMap((u) => (text(u) ? [text(u) as string] : [])) : [],
    providers,
  };
}

const GRANTED = /\/(undersupervision|accredited|granted|recognisedatnationallevel|setbynationallaw|supervisionincessation)$/;

/** Whether a status (URI or the list's own words) means the service is trusted while it holds. */
export function statusGranted(status: string): boolean {
  return GRANTED.test(status.trim());
}

/**
 * The periods in which a service was granted, from its current status and its history: each status holds from
 * its starting time until the next one starts. Returned oldest first; `to` null means "still".
 */
export function grantedPeriods(service: TslService): { from: string; to: string | null }[] {
  const timeline = [...(service.statusSince ? [{ status: service.status, from: service.statusSince }] : []), ...service.history].sort(
    (a, b) => Date.parse(a.from) - Date.parse(b.from),
  );
  const out: { from: string; to: string | null }[] = [];
  timeline.forEach((t, i) => {
    if (statusGranted(t.status)) out.push({ from: t.from, to: timeline[i + 1]?.from ?? null });
  });
  return out;
}
