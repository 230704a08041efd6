import type { auditMethods } from '../api/audit';
import type { HandlersFor } from './types';

export const auditHandlers: HandlersFor<keyof typeof auditMethods> = {
  'audit.list': (input, { core }) => core.audit.list(input),
  'audit.verify': (_input, { core }) => core.audit.verifySealed(),
};
