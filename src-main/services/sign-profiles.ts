import type { signProfileMethods } from '../api/sign-profiles';
import {
  importFirmaPeruProfile,
  listSigningProfiles,
  removeSigningProfile,
  saveSigningProfile,
} from '../core/signing/profiles/signing-profiles';
import { checkStampImage } from '../core/signing/profiles/stamp-image-store';
import type { HandlersFor } from './types';

const changed = { type: 'changed', topic: 'signProfiles' } as const;

export const signProfileHandlers: HandlersFor<keyof typeof signProfileMethods> = {
  'sign.profiles.list': (_input, { core }) => listSigningProfiles(core),
  'sign.profiles.save': (input, { core }) => {
    const saved = saveSigningProfile(core, input.id, input.profile);
    core.events.emit(changed);
    return saved;
  },
  'sign.profiles.remove': (input, { core }) => {
    removeSigningProfile(core, input.id);
    core.events.emit(changed);
    return { removed: true };
  },
  'sign.profiles.import': (input, { core }) => {
    const out = importFirmaPeruProfile(core, input.path, input.name);
    core.events.emit(changed);
    return out;
  },
  'sign.stampImage.check': (input) => checkStampImage(input.path),
};
