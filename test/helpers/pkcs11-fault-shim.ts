/**
 * Builds the faulty-token PKCS#11 module (test/fixtures-src/pkcs11-fault-shim.c) with gcc into a temp folder.
 * It is a real module over SoftHSM2: what it cannot fake (a slow card, a locked PIN, a token pulled out in the
 * middle of a signature) it produces by answering those calls the way such a token does; the fault is chosen
 * per process with CASILLA_SHIM_FAULT (see the C source).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SOFTHSM_MODULE } from './softhsm';

export type ShimFault = 'slow-sign' | 'pin-locked' | 'pin-locked-flag' | 'removed' | 'not-present';

export const SHIM_SOURCE = path.resolve(__dirname, '../fixtures-src/pkcs11-fault-shim.c');

export function buildFaultShim(): {
  module: string;
  env: (fault: ShimFault, sleepMs?: number) => Record<string, string>;
  cleanup: () => void;
} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casilla-p11shim-'));
  const module = path.join(dir, 'libcasilla-fault-shim.so');
  execFileSync('gcc', ['-Wall', '-Wextra', '-Werror', '-shared', '-fPIC', '-o', module, SHIM_SOURCE, '-ldl'], { stdio: 'pipe' });
  return {
    module,
    env: (fault, sleepMs) => ({
      CASILLA_SHIM_FAULT: fault,
      CASILLA_SHIM_TARGET: SOFTHSM_MODULE,
      ...(sleepMs !== undefined ? { CASILLA_SHIM_SLEEP_MS: String(sleepMs) } : {}),
    }),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
