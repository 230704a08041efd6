/**
 * Every trust anchor the app knows, each with where it came from and what it may be used for:
 *  - Peru: the services of INDECOPI's Trusted List (bundled snapshot, or the last refresh that passed the
 *    signature check), used only for what their service type says and only in the periods their status
 *    (and status history) granted;
 *  - Chile: the State PKI roots and the Entidad Acreditadora bundles (bundled, with the manifest's provenance);
 *  - the user's own anchors (Configuración) and `--trust` files for one run.
 *
 * The verifier asks `TrustAnchors.anchorFor(cert, { at, use })`: "is this a trusted anchor for signatures (or
 * timestamps) at time T?". A verified TSL is cached by its SHA-256 in `<home>/trust/` because checking the XML
 * signature of a 340 KB list costs seconds.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AnchorOrigin, TrustAnchorView, TrustUse, TslView } from '../../api/trust';
import { certFromDer, certsFromPem, commonName, type Cert } from '../verify/certificate';
import { grantedPeriods, readTsl, statusGranted, type TrustedList } from './tsl';

export type { AnchorOrigin, TrustUse };

/** One anchor as the app shows it: the contract's shape (`api/trust.ts`), which says what each field means. */
export type TrustAnchorRecord = TrustAnchorView;

export type TrustAnchorEntry = TrustAnchorRecord & { cert: Cert };

/** The Peruvian list in use, as shown (`TslView`), plus the pinned signer's key hash. */
export type TslInfo = TslView & { signerSpkiSha256: string };

type ManifestSource = {
  id: string;
  country: string;
  kind: 'tsl' | 'bundle';
  list: string;
  provider: string;
  file: string;
  officialUrl: string;
  retrieved: string;
  lastModified: string | null;
  sha256: string;
};

export const PE_TSL_URL = 'https://iofe.indecopi.gob.pe/TSL/tsl-pe.xml';

const TSA_TYPES = /\/Svctype\/TSA(\/|$)/;
const CA_TYPES = /\/Svctype\/CA\/(QC|PKC)$/;
const EKU_TIMESTAMPING = '1.3.6.1.5.5.7.3.8';

const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const tail = (uri: string) => uri.split('/').pop() ?? uri;

/** What a TSL service may anchor: CA services → signatures; TSA services, or "unspecified" ones whose certificate is a TSA's → timestamps. */
function usesOf(type: string, cert: Cert): TrustUse[] {
  if (CA_TYPES.test(type)) return ['signatures'];
  if (TSA_TYPES.test(type)) return ['timestamps'];
  if (/\/Svctype\/unspecified$/.test(type)) {
    const eku = cert.parsed.extensions?.find((e) => e.extnID === '2.5.29.37');
    const parsed = eku?.parsedValue as { keyPurposes?: string[] } | undefined;
    if (parsed?.keyPurposes?.includes(EKU_TIMESTAMPING)) return ['timestamps'];
  }
  return [];
}

function baseRecord(cert: Cert): Pick<TrustAnchorRecord, 'sha256' | 'name' | 'issuer' | 'validFrom' | 'validTo'> {
  return {
    sha256: sha256(cert.der),
    name: commonName(cert.parsed.subject),
    issuer: commonName(cert.parsed.issuer),
    validFrom: new Date(cert.x509.validFrom).toISOString(),
    validTo: new Date(cert.x509.validTo).toISOString(),
  };
}

export function anchorsFromTsl(
  list: TrustedList,
  origin: 'bundled' | 'refreshed',
  sourceUrl: string,
  retrieved: string | null,
): TrustAnchorEntry[] {
  const out: TrustAnchorEntry[] = [];
  for (const p of list.providers) {
    for (const s of p.services) {
      for (const der of s.certificates) {
        let cert: Cert;
        try {
          cert = certFromDer(der);
        } catch {
          continue; // A service identity we cannot parse anchors nothing.
        }
        const uses = usesOf(s.type, cert);
        if (uses.length === 0) continue;
        const periods = grantedPeriods(s);
        out.push({
          ...baseRecord(cert),
          cert,
          country: list.territory ?? 'PE',
          provider: p.name,
          list: 'TSL INDECOPI (IOFE)',
          status: statusGranted(s.status) ? tail(s.status) : s.status,
          statusSince: s.statusSince,
          granted: statusGranted(s.status),
          periods,
          uses,
          serviceType: tail(s.type.replace(/\/(QC|PKC)$/, '-$1')),
          origin,
          sourceUrl,
          retrieved,
        });
      }
    }
  }
  return out;
}

function bundleAnchors(dir: string, src: ManifestSource): TrustAnchorEntry[] {
  let pem: string;
  try {
    pem = fs.readFileSync(path.join(dir, src.file), 'utf8');
  } catch {
    return [];
  }
  return certsFromPem(pem).map((cert) => ({
    ...baseRecord(cert),
    cert,
    country: src.country,
    provider: src.provider,
    list: src.list,
    status: 'incluido',
    statusSince: null,
    granted: true,
    periods: [{ from: new Date(cert.x509.validFrom).toISOString(), to: null }],
    uses: ['signatures', 'timestamps'],
    serviceType: null,
    origin: 'bundled',
    sourceUrl: src.officialUrl,
    retrieved: src.retrieved,
  }));
}

export function ownAnchor(cert: Cert, origin: 'user' | 'cli' | 'bundled', sourceUrl: string | null): TrustAnchorEntry {
  return {
    ...baseRecord(cert),
    cert,
    country: null,
    provider: commonName(cert.parsed.subject),
    list: origin === 'user' ? 'Propio' : origin === 'cli' ? 'Línea de comandos' : 'Carpeta resources/trust',
    status: 'incluido',
    statusSince: null,
    granted: true,
    periods: [{ from: new Date(0).toISOString(), to: null }],
    uses: ['signatures', 'timestamps'],
    serviceType: null,
    origin,
    sourceUrl,
    retrieved: null,
  };
}

type TslCache = { sha256: string; anchors: (TrustAnchorRecord & { der: string })[]; info: Omit<TslInfo, 'stale' | 'origin'> };

/** Where a refreshed list and the cache of verified lists live. */
export function trustDataDir(home: string): string {
  return path.join(home, 'trust');
}

/**
 * Reads a TSL file: from the cache when its SHA-256 was verified before, otherwise verifying its XML signature
 * (and, for a refreshed list, that the signer is the pinned one). Returns null when the file is missing.
 */
export function loadTsl(
  file: string,
  origin: 'bundled' | 'refreshed',
  cacheDir: string | null,
  options: { acceptSigners?: string[]; retrieved?: string | null; expectedSha256?: string } = {},
): { anchors: TrustAnchorEntry[]; info: TslInfo } | null {
  let xml: Buffer;
  try {
    xml = fs.readFileSync(file);
  } catch {
    return null;
  }
  const hash = sha256(xml);
  const memoKey = `${hash}|${origin}|${(options.acceptSigners ?? []).join(',')}`;
  const memo = tslMemo.get(memoKey);
  if (memo)
    return {
      anchors: memo.anchors,
      info: { ...memo.info, stale: memo.info.nextUpdate !== null && Date.parse(memo.info.nextUpdate) < Date.now() },
    };
  const remember = (r: { anchors: TrustAnchorEntry[]; info: TslInfo }) => {
    tslMemo.set(memoKey, r);
    return r;
  };
  const cacheFile = cacheDir ? path.join(cacheDir, `tsl-${hash.slice(0, 32)}.json`) : null;
  const stale = (next: string | null) => next !== null && Date.parse(next) < Date.now();
  if (cacheFile) {
    try {
      const cached = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as TslCache;
      if (cached.sha256 === hash && (!options.acceptSigners || options.acceptSigners.includes(cached.info.signerSpkiSha256))) {
        const anchors = cached.anchors.map(({ der, ...r }) => ({ ...r, origin, cert: certFromDer(Buffer.from(der, 'base64')) }));
        return remember({ anchors, info: { ...cached.info, origin, stale: stale(cached.info.nextUpdate) } });
      }
    } catch {
      // No cache yet, or unreadable: verify the list below.
    }
  }
  const list = readTsl(xml.toString('utf8'), {
    ...(options.acceptSigners ? { acceptSigners: options.acceptSigners } : {}),
    bytesAlreadyTrusted: options.expectedSha256 !== undefined && options.expectedSha256 === hash,
  });
  const sourceUrl = list.distributionPoints[0] ?? PE_TSL_URL;
  const anchors = anchorsFromTsl(list, origin, sourceUrl, options.retrieved ?? null);
  const info: Omit<TslInfo, 'stale' | 'origin'> = {
    sequenceNumber: list.sequenceNumber,
    issued: list.issued,
    nextUpdate: list.nextUpdate,
    signer: list.signer.subject,
    signerSpkiSha256: list.signer.spkiSha256,
    sha256: hash,
    sourceUrl,
  };
  if (cacheFile) {
    try {
      fs.mkdirSync(path.dirname(cacheFile), { recursive: true });
      const body: TslCache = { sha256: hash, info, anchors: anchors.map(({ cert, ...r }) => ({ ...r, der: cert.der.toString('base64') })) };
      fs.writeFileSync(cacheFile, JSON.stringify(body));
    } catch {
      // A read-only data folder only costs the next run the signature check again.
    }
  }
  return remember({ anchors, info: { ...info, origin, stale: stale(list.nextUpdate) } });
}

/** Lists already read in this process, by content hash (and how they were accepted). */
const tslMemo = new Map<string, { anchors: TrustAnchorEntry[]; info: TslInfo }>();

export type TrustCatalog = { anchors: TrustAnchorEntry[]; tsl: TslInfo | null; problems: string[] };

function readManifest(dir: string): ManifestSource[] {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { sources?: ManifestSource[] };
    return Array.isArray(m.sources) ? m.sources : [];
  } catch {
    return [];
  }
}

/** The signer keys a refreshed Peruvian list may be signed with: the bundled list's signer. */
export function pinnedTslSigners(bundledDir: string | undefined, home: string | undefined): string[] {
  const pins = new Set<string>();
  if (bundledDir) {
    const tsl = readManifest(bundledDir).find((s) => s.kind === 'tsl');
    if (tsl) {
      const r = loadTsl(path.join(bundledDir, tsl.file), 'bundled', home ? trustDataDir(home) : null, { expectedSha256: tsl.sha256 });
      if (r) pins.add(r.info.signerSpkiSha256);
    }
  }
  return [...pins];
}

/**
 * Builds the catalog: the bundled manifest (the Peruvian list replaced by the refreshed one when there is a newer
 * verified copy), loose `*.pem` files in the bundled folder, and the given own anchors. Problems (a bundled list
 * whose signature no longer verifies) are reported, and that list's anchors are left out: fail closed.
 */
export function buildTrustCatalog(options: {
  bundledDir?: string | undefined;
  home?: string | undefined;
  own?: TrustAnchorEntry[];
}): TrustCatalog {
  const anchors: TrustAnchorEntry[] = [];
  const problems: string[] = [];
  let tsl: TslInfo | null = null;
  const cacheDir = options.home ? trustDataDir(options.home) : null;
  if (options.bundledDir) {
    const dir = options.bundledDir;
    for (const src of readManifest(dir)) {
      if (src.kind === 'tsl') {
        let bundled: ReturnType<typeof loadTsl> = null;
        try {
          bundled = loadTsl(path.join(dir, src.file), 'bundled', cacheDir, { retrieved: src.retrieved, expectedSha256: src.sha256 });
        } catch (err) {
          problems.push(`La lista ${src.list} incluida no pasó la verificación: ${err instanceof Error ? err.message : String(err)}`);
        }
        let chosen = bundled;
        if (options.home && bundled) {
          try {
            const refreshed = loadTsl(path.join(trustDataDir(options.home), 'tsl-pe.xml'), 'refreshed', cacheDir, {
              acceptSigners: [bundled.info.signerSpkiSha256],
            });
            if (refreshed && refreshed.info.sequenceNumber >= bundled.info.sequenceNumber) chosen = refreshed;
          } catch (err) {
            problems.push(
              `La lista actualizada guardada no pasó la verificación y no se usa: ${err instanceof Error ? err.message : String(err)}`,
            );
          }
        }
        if (chosen) {
          anchors.push(...chosen.anchors);
          tsl = chosen.info;
        }
      } else {
        anchors.push(...bundleAnchors(dir, src));
      }
    }
    try {
      for (const n of fs
        .readdirSync(dir)
        .filter((f) => /\.(pem|crt)$/i.test(f))
        .sort()) {
        try {
          for (const cert of certsFromPem(fs.readFileSync(path.join(dir, n), 'utf8'))) anchors.push(ownAnchor(cert, 'bundled', n));
        } catch {
          problems.push(`No se pudo leer ${n}.`);
        }
      }
    } catch {
      // No bundled folder: only the own anchors apply.
    }
  }
  anchors.push(...(options.own ?? []));
  return { anchors, tsl, problems };
}

/** Whether `entry` may anchor a chain for `use` at time `at`. */
export function anchorAllows(entry: TrustAnchorRecord, use: TrustUse, at: Date): boolean {
  if (!entry.granted && entry.periods.length === 0) return false;
  if (!entry.uses.includes(use)) return false;
  const t = at.getTime();
  return entry.periods.some((p) => Date.parse(p.from) <= t && (p.to === null || t < Date.parse(p.to)));
}
