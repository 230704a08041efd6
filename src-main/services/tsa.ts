import type { tsaMethods } from '../api/tsa';
import { testTsa, testTsaProfile } from '../core/signing/tsa-probe';
import { listTsaProfiles, removeTsaProfile, saveTsaProfile } from '../core/signing/tsa-profiles';
import type { HandlersFor } from './types';

export const tsaHandlers: HandlersFor<keyof typeof tsaMethods> = {
  'tsa.list': (_input, { core }) => listTsaProfiles(core),
  'tsa.save': async (input, { core }) => {
    const saved = await saveTsaProfile(core, input.id, input.profile);
    core.events.emit({ type: 'changed', topic: 'tsa' });
    return saved;
  },
  'tsa.remove': async (input, { core }) => {
    await removeTsaProfile(core, input.id);
    core.events.emit({ type: 'changed', topic: 'tsa' });
    return { removed: true };
  },
  'tsa.test': (input, { core, signal }) =>
    input.id
      ? testTsaProfile(core, input.id, signal)
      : testTsa(
          {
            url: input.url ?? '',
            ...(input.username ? { username: input.username, ...(input.password ? { password: input.password } : {}) } : {}),
          },
          signal,
        ),
};
