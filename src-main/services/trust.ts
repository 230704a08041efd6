import type { trustMethods } from '../api/trust';
import { addOwnAnchors, refreshTrust, removeOwnAnchor, trustOverview } from '../core/trust/trust-service';
import type { HandlersFor } from './types';

export const trustHandlers: HandlersFor<keyof typeof trustMethods> = {
  'trust.list': (_input, { core }) => trustOverview(core),
  'trust.refresh': async (input, { core }) => {
    const r = await refreshTrust(core, input.url);
    core.events.emit({ type: 'changed', topic: 'trust' });
    return r;
  },
  'trust.add': (input, { core }) => {
    const added = addOwnAnchors(core, input.pem);
    core.audit.append({ action: 'trust.add', details: { added } });
    core.events.emit({ type: 'changed', topic: 'trust' });
    return { added };
  },
  'trust.remove': (input, { core }) => {
    const removed = removeOwnAnchor(core, input.sha256);
    core.audit.append({ action: 'trust.remove', subject: input.sha256, details: { removed } });
    core.events.emit({ type: 'changed', topic: 'trust' });
    return { removed };
  },
};
