import { EventEmitter } from 'node:events';
import os from 'node:os';
import type { AppEvent } from '../api/contract';
import { AuditLog } from './audit/audit-log';
import { closeDatabase, openDatabase, type Db } from './db/database';
import { resolveHome } from './home';
import { KeychainSecretStore, type SecretStore } from './secrets/secret-store';
import { SettingsStore } from './settings/settings-store';

export type Shell = 'electron' | 'browser' | 'cli';

/** Everything the domain needs, opened once per process by whichever shell runs. */
export type CoreContext = {
  home: string;
  shell: Shell;
  db: Db;
  audit: AuditLog;
  settings: SettingsStore;
  secrets: SecretStore;
  events: CoreEvents;
  /** Closers registered by domains (servers, senders); run in reverse order by `close()`. */
  onClose(fn: () => void | Promise<void>): void;
  close(): Promise<void>;
};

/** Pushes events to every connected UI (IPC or server-sent events). */
export class CoreEvents {
  private readonly emitter = new EventEmitter();
  constructor() {
    this.emitter.setMaxListeners(100);
  }
  emit(event: AppEvent): void {
    this.emitter.emit('event', event);
  }
  subscribe(fn: (event: AppEvent) => void): () => void {
    this.emitter.on('event', fn);
    return () => this.emitter.off('event', fn);
  }
}

export type OpenCoreOptions = { home?: string; shell: Shell; secrets?: SecretStore; actor?: string };

export function openCore(options: OpenCoreOptions): CoreContext {
  const home = resolveHome(options.home);
  const db = openDatabase(home);
  const secrets = options.secrets ?? new KeychainSecretStore();
  const closers: Array<() => void | Promise<void>> = [];
  let closed = false;
  const actor = options.actor ?? safeUser();
  const audit = new AuditLog(db, actor);
  audit.attachKeychain(secrets, home);
  return {
    home,
    shell: options.shell,
    db,
    audit,
    settings: new SettingsStore(db, secrets),
    secrets,
    events: new CoreEvents(),
    onClose(fn) {
      closers.push(fn);
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.reverse()) {
        try {
          await fn();
        } catch (err) {
          // Closing goes on: the database must still be closed cleanly.
          console.error('Error al cerrar un componente:', err);
        }
      }
      await audit.flush();
      closeDatabase(db);
    },
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // Some containers have no passwd entry for the uid; the audit still needs a name.
    return `uid:${process.getuid?.() ?? 'unknown'}`;
  }
}
