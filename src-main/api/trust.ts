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
  list: string;
  status: string;
  statusSince: string | null;
  granted: boolean;
  periods: { from: string; to: string | null }[];
  uses: TrustUse[];
  serviceType: string | null;
  validFrom: string;
  validTo: string;
  origin: AnchorOrigin;
  sourceUrl: string | null;
  retrieved: string | null;
};

export type TslView = {
  origin: 'bundled' | 'refreshed';
  sequenceNumber: number;
  issued: string | null;
  nextUpdate: string | null;
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
