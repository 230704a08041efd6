/** The sandbox database's migrations, in order. Append only; separate from the app's own list. */
import type { Migration } from '../../core/db/migrations/types';
import { m0010Sandbox } from './0010-sandbox';

export const sandboxMigrations: readonly Migration[] = [m0010Sandbox];
