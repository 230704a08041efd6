import type { CoreContext } from '../core/context';
import { collectSnapshots } from '../core/compose/draft-snapshots';
import { sweepLeftovers } from '../core/db/leftovers';
import { AttachmentStore } from '../core/outbox/attachment-store';
import { OutboxRepository } from '../core/outbox/outbox-repository';
import { OutboxSender, type SenderOptions } from '../core/outbox/outbox-sender';
import { clientFactory, type BackendOverride } from './backends';

export type OutboxRuntime = { repo: OutboxRepository; store: AttachmentStore; sender: OutboxSender };

const runtimes = new WeakMap<CoreContext, OutboxRuntime>();

/** The outbox of this process: one repository, one attachment store, one sender. */
export function outboxRuntime(
  core: CoreContext,
  options: { overrides?: BackendOverride[]; sender?: Partial<SenderOptions> } = {},
): OutboxRuntime {
  let rt = runtimes.get(core);
  if (!rt) {
    // What a killed process left half-written in the data folder goes first (never a live writer's file).
    sweepLeftovers(core.home);
    const repo = new OutboxRepository(core.db, core.audit);
    const store = new AttachmentStore(core.home);
    // Snapshots of deleted drafts (and anything else no row names) from earlier runs.
    collectSnapshots(core.db, store);
    const sender = new OutboxSender(repo, store, clientFactory(core, options.overrides), core.events, options.sender);
    rt = { repo, store, sender };
    runtimes.set(core, rt);
    core.onClose(() => sender.stop());
  }
  return rt;
}
