import type { settingsMethods } from '../api/settings';
import type { HandlersFor } from './types';

export const settingsHandlers: HandlersFor<keyof typeof settingsMethods> = {
  'settings.get': (_input, { core }) => core.settings.preferences(),
  'settings.update': (input, { core }) => {
    const next = core.settings.updatePreferences(input);
    core.audit.append({ action: 'settings.update', details: { changed: Object.keys(input) } });
    core.events.emit({ type: 'changed', topic: 'settings' });
    return next;
  },
  'profiles.list': (_input, { core }) => core.settings.listProfiles(),
  'profiles.save': async (input, { core }) => {
    const saved = await core.settings.saveProfile(input.id, input.profile);
    core.audit.append({
      action: 'settings.profile.save',
      subject: saved.id,
      details: { name: saved.name, baseUrl: saved.baseUrl, clientId: saved.clientId, secretChanged: Boolean(input.profile.clientSecret) },
    });
    core.events.emit({ type: 'changed', topic: 'profiles' });
    return saved;
  },
  'profiles.remove': async (input, { core }) => {
    await core.settings.removeProfile(input.id);
    core.audit.append({ action: 'settings.profile.remove', subject: input.id });
    core.events.emit({ type: 'changed', topic: 'profiles' });
    return { removed: true };
  },
  'profiles.activate': async (input, { core }) => {
    const p = await core.settings.activateProfile(input.id);
    core.audit.append({ action: 'settings.profile.activate', subject: input.id, details: { name: p.name } });
    core.events.emit({ type: 'changed', topic: 'profiles' });
    return p;
  },
};
