/**
 * Trust anchors with their provenance (Configuración → Confianza, `casilla trust list`): the national lists
 * (Peru's TSL, Chile's bundles), the user's own anchors; refreshing the Peruvian list from its official URL.
 *
 * Error codes: TRUST_TSL_INVALID, TRUST_TSL_SIGNATURE (altered, or signed by an unknown key: nothing replaced),
 * TRUST_TSL_ROLLBACK, TRUST_TSL_NO_PIN, TRUST_REFRESH_UNREACHABLE, VERIFY_TRUST_UNREADABLE, NOT_FOUND.
 */
import { z } from 'zod';

export type TrustUse = 'signatures' | 'timestamps';
export type AnchorOrigin = 'bundled' | 'refreshed' | 'user' | 'cli';

export type TrustAnchorView = {
  sha256: string;
  name: string;
  issuer: string;
  country: string | null;
  provider: string;
  /** Which list: "TSL INDECOPI (IOFE)", "PKI del Estado de Chile", "Entidad Acreditadora (Chile)", "Propio". */
  list: string;
  /** The list's status for this service (URI tail or text), or "incluido" for bundles without statuses. */
  status: string;
  statusSince: string | null;
  /** False when the list does not (or no longer) grant it; kept for display, never trusted. */
  granted: boolean;
  /** Periods in which signatures may chain to it (null `to`: still). Empty list: never. */
  periods: { from: string; to: string | null }[];
  uses: TrustUse[];
  serviceType: string | null;
  validFrom: string;
  validTo: string;
  origin: AnchorOrigin;
  /** Official URL (or file) it came from, and when that copy was retrieved. */
  sourceUrl: string | null;
  retrieved: string | null;
};

export type TslView = {
  origin: 'bundled' | 'refreshed';
  sequenceNumber: number;
  issued: string | null;
  nextUpdate: string | null;
  /** NextUpdate has passed: the list is still used, and the user is told to refresh it. */
  stale: boolean;
  signer: string;
  sha256: string;
  sourceUrl: string;
};

export type TrustOverview = { anchors: TrustAnchorView[]; tsl: TslView | null; problems: string[] };

export const trustMethods = {
  'trust.list': { input: z.object({}).strict() },
  'trust.refresh': {
    input: z.object({ url: z.url({ protocol: /^https?$/ }).optional() }).strict(),
  },
  'trust.add': { input: z.object({ pem: z.string().min(1).max(200_000) }).strict() },
  'trust.remove': { input: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict() },
} as const;

export interface TrustOutputs {
  'trust.list': TrustOverview;
  'trust.refresh': {
    url: string;
    replaced: boolean;
    sequenceNumber: number;
    previousSequenceNumber: number | null;
    nextUpdate: string | null;
    anchors: number;
  };
  'trust.add': { added: string[] };
  'trust.remove': { removed: boolean };
}
