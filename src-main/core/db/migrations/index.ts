/** Every migration, in order. Append only. */
import { m0010Settings } from './0010-settings';
import { m0020Audit } from './0020-audit';
import { m0030Outbox } from './0030-outbox';
import { m0040OutboxUncertainty } from './0040-outbox-uncertainty';
import { m0050AuditSeal } from './0050-audit-seal';
import { m0060OutboxGroups } from './0060-outbox-groups';
import { m0061ComposeDrafts } from './0061-compose-drafts';
import { m0071SigningProfiles } from './0071-signing-profiles';
import type { Migration } from './types';

export type { Migration } from './types';

export const migrations: readonly Migration[] = [
  m0010Settings,
  m0020Audit,
  m0030Outbox,
  m0040OutboxUncertainty,
  m0050AuditSeal,
  m0060OutboxGroups,
  m0061ComposeDrafts,
  m0071SigningProfiles,
];
