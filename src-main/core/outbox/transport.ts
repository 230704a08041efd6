import type { CasillaClient } from '../casilla/client';

/**
 * What the sender needs from a casilla backend: the upload, the status poll, what the reconciler looks with
 * (citizenPending and the citizen's list) and the platform's own clock — each call answering with the one
 * classified outcome (core/casilla/classify.ts). The casilla client is exactly that.
 */
export type OutboxTransport = Pick<
  CasillaClient,
  'sendMessage' | 'messageStatus' | 'citizenPending' | 'citizenInbox' | 'platformTime' | 'platformNow'
>;

/** Where a message goes: the backend it was queued for (a queued message remembers it). */
export type BackendTarget = { profileId: string; backendUrl: string; clientId: string };

export type TransportFactory = (target: BackendTarget) => Promise<OutboxTransport>;
