import type { AppEvent } from '../../../src-main/api/contract';
import { subscribe } from '../../api';

/**
 * The signing views' core events (certificate lists, profiles, a run's progress). `subscribe` shares one stream
 * among all its listeners in browser mode, so each part can listen on its own without opening a connection.
 */
export function onCoreEvent(fn: (event: AppEvent) => void): () => void {
  return subscribe(fn);
}
