import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openCore, type CoreContext } from '../../src-main/core/context';
import type { SecretStore } from '../../src-main/core/secrets/secret-store';

/** A fresh data folder under the OS temp dir; removed by the returned cleanup. */
export function tempDir(prefix = 'casilla-test-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A core opened on a real SQLite file in a temp folder. Secrets go to the real keychain unless a store is
 * given (integration tests run under `scripts/with-keyring.sh`, which starts a private Secret Service).
 */
export function tempCore(options: { secrets?: SecretStore; shell?: 'cli' | 'browser' } = {}): {
  core: CoreContext;
  home: string;
  cleanup: () => Promise<void>;
} {
  const { dir, cleanup } = tempDir();
  const core = openCore({ home: dir, shell: options.shell ?? 'cli', ...(options.secrets ? { secrets: options.secrets } : {}) });
  return {
    core,
    home: dir,
    cleanup: async () => {
      await core.close();
      cleanup();
    },
  };
}
