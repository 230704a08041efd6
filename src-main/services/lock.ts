import type { lockMethods } from '../api/lock';
import { lockNow, lockStatus, setLockPassword, unlock } from '../core/lock/app-lock';
import type { HandlersFor } from './types';

export const lockHandlers: HandlersFor<keyof typeof lockMethods> = {
  'lock.status': (_input, { core }) => lockStatus(core),
  'lock.setPassword': async (input, { core }) => {
    await setLockPassword(core, input.password, input.current);
    return { set: true };
  },
  'lock.lock': (_input, { core }) => {
    lockNow(core);
    return lockStatus(core);
  },
  'lock.unlock': async (input, { core }) => {
    await unlock(core, input.password);
    return lockStatus(core);
  },
};
