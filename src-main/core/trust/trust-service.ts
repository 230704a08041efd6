/** The trust use cases behind the contract and the CLI: list with provenance, refresh, own anchors. */
import crypto from 'node:crypto';
import type { TrustOverview } from '../../api/trust';
import type { CoreContext } from '../context';
import { addUserAnchors, bundledTrustDir, removeUserAnchor, userAnchors } from '../verify/trust';
import { refreshPeruTsl, type RefreshResult } from './refresh';
import { buildTrustCatalog, ownAnchor } from './trust-anchors';

type TrustCore = Pick<CoreContext, 'settings' | 'home'>;

export function trustOverview(core: TrustCore): TrustOverview {
  const own = userAnchors(core.settings).map((c) => ownAnchor(c, 'user', null));
  const catalog = buildTrustCatalog({ bundledDir: bundledTrustDir(), home: core.home, own });
  const seen = new Set<string>();
  const anchors = catalog.anchors
    .filter((a) => {
      // The same certificate may be listed twice by one list (two services); once per list is enough to show.
      const key = `${a.sha256}|${a.list}|${a.provider}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map(({ cert: _cert, ...r }) => r);
  const tsl = catalog.tsl
    ? {
        origin: catalog.tsl.origin,
        sequenceNumber: catalog.tsl.sequenceNumber,
        issued: catalog.tsl.issued,
        nextUpdate: catalog.tsl.nextUpdate,
        stale: catalog.tsl.stale,
        signer: catalog.tsl.signer,
        sha256: catalog.tsl.sha256,
        sourceUrl: catalog.tsl.sourceUrl,
      }
    : null;
  return { anchors, tsl, problems: catalog.problems, problemCodes: catalog.problemCodes };
}

export async function refreshTrust(core: TrustCore & Pick<CoreContext, 'audit'>, url?: string): Promise<RefreshResult> {
  try {
    const r = await refreshPeruTsl({ home: core.home, bundledDir: bundledTrustDir(), url });
    core.audit.append({ action: 'trust.refresh', subject: r.url, details: { sequenceNumber: r.sequenceNumber, anchors: r.anchors } });
    return r;
  } catch (err) {
    core.audit.append({
      action: 'trust.refresh.failed',
      subject: url ?? 'tsl-pe',
      details: { code: err instanceof Error && 'code' in err ? String((err as { code: unknown }).code) : 'INTERNAL' },
    });
    throw err;
  }
}

export function addOwnAnchors(core: TrustCore, pem: string): string[] {
  return addUserAnchors(core.settings, pem);
}

/** Removes an own anchor by its SHA-256 (national anchors cannot be removed, only not trusted by their list). */
export function removeOwnAnchor(core: TrustCore, sha256: string): boolean {
  const cert = userAnchors(core.settings).find((c) => crypto.createHash('sha256').update(c.der).digest('hex') === sha256);
  return cert ? removeUserAnchor(core.settings, cert.fingerprint) : false;
}
