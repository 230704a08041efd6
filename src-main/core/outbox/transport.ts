import type { CasillaClient } from '../casilla/client';

/**
 * What the sender needs from a casilla backend: the upload and the status poll, each answering with the one
 * classified outcome (core/casilla/classify.ts). The casilla client is exactly that.
 */
export type OutboxTransport = Pick<CasillaClient, 'sendMessage' | 'messageStatus'>;

/** Where a message goes: the backend it was queued for (a queued message remembers it). */
export type BackendTarget = { profileId: string; backendUrl: string; clientId: string };

export type TransportFactory = (target: BackendTarget) => Promise<OutboxTransport>;
