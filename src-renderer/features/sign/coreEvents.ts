import type { AppEvent } from '../../../src-main/api/contract';
import { subscribe } from '../../api';

const listeners = new Set<(event: AppEvent) => void>();
let stop: (() => void) | null = null;

/**
 * One subscription to the core's events shared by every listener of the signing views (certificate lists, profiles,
 * a run's progress): in browser mode each subscription is a long-lived HTTP stream, and Chromium allows only six
 * connections per host, so a compose screen with many groups must not open one per group.
 */
export function onCoreEvent(fn: (event: AppEvent) => void): () => void {
  listeners.add(fn);
  stop ??= subscribe((event) => {
    for (const l of [...listeners]) l(event);
  });
  return () => {
    listeners.delete(fn);
    if (listeners.size === 0 && stop) {
      stop();
      stop = null;
    }
  };
}
