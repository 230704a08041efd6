/**
 * The trust anchors a chain may end at, from `core/trust`: the national lists shipped in `resources/trust/`
 * (Peru's TSL, Chile's bundles; each anchor only for the use and the periods its list grants), loose `*.pem`
 * files there, those the user added in Configuración (stored as PEM in the settings table), and `--trust <pem>`
 * files given for one run. The chain builder asks `anchorFor(cert, { at, purpose })`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../api/result';
import { anchorAllows, buildTrustCatalog, ownAnchor, type TrustAnchorRecord } from '../trust/trust-anchors';
import { certsFromPem, commonName, type Cert } from './certificate';
import type { ChainPurpose } from './chain';

export type AnchorSource = 'bundled' | 'refreshed' | 'user' | 'cli';
/** `record`: the anchor's provenance and what its list allows; absent means "any use, any time". */
export type TrustAnchor = { cert: Cert; source: AnchorSource; record?: TrustAnchorRecord };
/** The question the verifier asks: an anchor for this purpose at this time. */
export type AnchorUse = { at: Date; purpose: ChainPurpose };

/** The settings key (via `core.settings.get/set`) holding the user's anchors as PEM strings. */
export const USER_ANCHORS_KEY = 'verify.trustAnchors';

export type AnchorSettings = { get<T>(key: string): T | undefined; set(key: string, value: unknown): void };

export class TrustStore {
  private readonly byFingerprint = new Map<string, TrustAnchor[]>();
  constructor(anchors: TrustAnchor[]) {
    for (const a of anchors) {
      const list = this.byFingerprint.get(a.cert.fingerprint);
      if (list) list.push(a);
      else this.byFingerprint.set(a.cert.fingerprint, [a]);
    }
  }
  /** One entry per certificate (the first listed), for chain building candidates and display. */
  get anchors(): TrustAnchor[] {
    return [...this.byFingerprint.values()].map((l) => l[0] as TrustAnchor);
  }
  /**
   * Is `cert` a trusted anchor for `use` (signatures, or timestamps for `purpose: 'timestamping'`) at `use.at`?
   * Without `use`, any listed entry that its list grants at some time answers (display, not verification).
   */
  anchorFor(cert: Cert, use?: AnchorUse): TrustAnchor | undefined {
    const entries = this.byFingerprint.get(cert.fingerprint);
    if (!entries) return undefined;
    return entries.find((a) => {
      if (!a.record) return true;
      if (!use) return a.record.periods.length > 0;
      return anchorAllows(a.record, use.purpose === 'timestamping' ? 'timestamps' : 'signatures', use.at);
    });
  }
}

/**
 * The anchors of the bundled folder (national lists per `manifest.json`, and loose PEM files), as certificates.
 * `home` lets a verified TSL be cached and a refreshed one be used.
 */
export function anchorsFromFolder(dir: string, home?: string): { anchors: Cert[]; skipped: string[] } {
  const catalog = buildTrustCatalog({ bundledDir: dir, home });
  return { anchors: catalog.anchors.filter((a) => a.periods.length > 0).map((a) => a.cert), skipped: catalog.problems };
}

/** PEM files of a folder; a missing or empty folder is simply no anchors. Unreadable files are skipped with a warning in `skipped`. */
export function pemAnchorsFromFolder(dir: string): { anchors: Cert[]; skipped: string[] } {
  const anchors: Cert[] = [];
  const skipped: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.(pem|crt)$/i.test(n));
  } catch {
    // No bundled folder (a stripped build): the user's and the command line's anchors still apply.
    return { anchors, skipped };
  }
  for (const n of names.sort()) {
    try {
      anchors.push(...certsFromPem(fs.readFileSync(path.join(dir, n), 'utf8')));
    } catch {
      skipped.push(n);
    }
  }
  return { anchors, skipped };
}

/** Reads a `--trust` file (PEM, one or more certificates, or a single DER certificate). Throws AppError when it holds none. */
export function anchorsFromFile(file: string): Cert[] {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch {
    throw new AppError('VERIFY_TRUST_UNREADABLE', `No se pudo leer el certificado de confianza «${file}».`, { file });
  }
  try {
    const text = data.toString('latin1');
    const certs = text.includes('-----BEGIN CERTIFICATE-----') ? certsFromPem(text) : certsFromPem(toPem(data));
    if (certs.length) return certs;
  } catch {
    // Falls through to the error below: the file is not a certificate.
  }
  throw new AppError('VERIFY_TRUST_UNREADABLE', `«${file}» no contiene certificados X.509.`, { file });
}

function toPem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64')}\n-----END CERTIFICATE-----\n`;
}

export function userAnchors(settings: AnchorSettings): Cert[] {
  const pems = settings.get<string[]>(USER_ANCHORS_KEY) ?? [];
  const out: Cert[] = [];
  for (const pem of pems) {
    try {
      out.push(...certsFromPem(pem));
    } catch {
      // A stored anchor that no longer parses is ignored rather than blocking every verification.
    }
  }
  return out;
}

/** Adds anchors from PEM text; returns the names added. Throws AppError when the text has no certificate. */
export function addUserAnchors(settings: AnchorSettings, pem: string): string[] {
  let certs: Cert[] = [];
  try {
    certs = certsFromPem(pem);
  } catch {
    certs = [];
  }
  if (!certs.length) throw new AppError('VERIFY_TRUST_UNREADABLE', 'El texto no contiene certificados X.509 en formato PEM.');
  const current = settings.get<string[]>(USER_ANCHORS_KEY) ?? [];
  const known = new Set(userAnchors(settings).map((c) => c.fingerprint));
  const added = certs.filter((c) => !known.has(c.fingerprint));
  settings.set(USER_ANCHORS_KEY, [...current, ...added.map((c) => toPem(c.der))]);
  return added.map((c) => commonName(c.parsed.subject));
}

export function removeUserAnchor(settings: AnchorSettings, fingerprint: string): boolean {
  const current = settings.get<string[]>(USER_ANCHORS_KEY) ?? [];
  const keep = current.filter((pem) => certsFromPem(pem).every((c) => c.fingerprint !== fingerprint));
  settings.set(USER_ANCHORS_KEY, keep);
  return keep.length !== current.length;
}

export function buildTrustStore(options: {
  bundledDir?: string;
  settings?: AnchorSettings;
  cliFiles?: string[];
  home?: string;
}): TrustStore {
  const own = [
    ...(options.settings ? userAnchors(options.settings).map((c) => ownAnchor(c, 'user', null)) : []),
    ...(options.cliFiles ?? []).flatMap((f) => anchorsFromFile(f).map((c) => ownAnchor(c, 'cli', f))),
  ];
  const catalog = buildTrustCatalog({ bundledDir: options.bundledDir, home: options.home, own });
  return new TrustStore(catalog.anchors.map(({ cert, ...record }) => ({ cert, source: record.origin, record })));
}

/** Where `resources/trust` is: next to the Electron resources, or found walking up from the bundle or the working folder. */
export function bundledTrustDir(): string | undefined {
  const resourcesPath = (process as NodeJS.Process & { resourcesPath?: string }).resourcesPath;
  const starts = [resourcesPath, typeof __dirname === 'string' ? __dirname : undefined, process.cwd()].filter((s): s is string =>
    Boolean(s),
  );
  for (const start of starts) {
    let dir = start;
    for (let i = 0; i < 5; i++) {
      for (const candidate of [path.join(dir, 'resources', 'trust'), path.join(dir, 'trust')]) {
        if (fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) return candidate;
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return undefined;
}
