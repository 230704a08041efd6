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

/**
 * Which list an anchor comes from, as a code the UI and the CLI render in the user's language (`list` keeps the
 * list's own name for logs): Peru's TSL, Chile's State PKI, Chile's Entidades Acreditadoras, the user's own
 * anchors (Configuración), `--trust` files of one CLI run, loose files of the bundled folder.
 */
export const TRUST_LIST_CODES = ['pe-tsl', 'cl-state-pki', 'cl-accredited', 'own', 'cli', 'folder'] as const;
export type TrustListCode = (typeof TRUST_LIST_CODES)[number];

/**
 * The list's status for an anchor: the TSL's status URI tails (ETSI TS 119 612) the Peruvian list uses, `included`
 * for lists without statuses (Chile's bundles, own anchors), `other` for a status the app does not know (`status`
 * then carries it as the list wrote it).
 */
export const TRUST_STATUS_CODES = [
  'included',
  'undersupervision',
  'accredited',
  'granted',
  'recognisedatnationallevel',
  'setbynationallaw',
  'supervisionincessation',
  'supervisionceased',
  'supervisionrevoked',
  'accreditationceased',
  'accreditationrevoked',
  'withdrawn',
  'deprecatedatnationallevel',
  'other',
] as const;
export type TrustStatusCode = (typeof TRUST_STATUS_CODES)[number];

/** A problem building the catalog: a list left out because it failed its check, a file that could not be read. */
export const TRUST_PROBLEM_CODES = ['TRUST_BUNDLED_LIST_INVALID', 'TRUST_SAVED_LIST_INVALID', 'TRUST_FILE_UNREADABLE'] as const;
export type TrustProblem = {
  code: (typeof TRUST_PROBLEM_CODES)[number];
  /** `list` (a TrustListCode), `file` (a file name), `detail` (the check's own words, technical). */
  params: { list?: TrustListCode; file?: string; detail?: string };
  /** Spanish, for logs and the CLI. */
  message: string;
};

export type TrustAnchorView = {
  sha256: string;
  name: string;
  issuer: string;
  country: string | null;
  provider: string;
  /** Which list: "TSL INDECOPI (IOFE)", "PKI del Estado de Chile", "Entidad Acreditadora (Chile)", "Propio". */
  list: string;
  listCode: TrustListCode;
  /** The list's status for this service (URI tail or text), or "incluido" for bundles without statuses. */
  status: string;
  statusCode: TrustStatusCode;
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

export type TrustOverview = {
  anchors: TrustAnchorView[];
  tsl: TslView | null;
  /** Spanish sentences, for logs and the CLI; the UI shows `problemCodes`. */
  problems: string[];
  problemCodes: TrustProblem[];
};

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
