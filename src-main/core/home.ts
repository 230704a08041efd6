import os from 'node:os';
import path from 'node:path';

export const APP_DIR_NAME = 'Casilla Desktop';

/**
 * The data folder shared by the Electron app, the browser mode and the CLI: `--home`, else `CASILLA_HOME`,
 * else the OS's per-user application data folder (the same one Electron's `userData` points to).
 */
export function resolveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit);
  if (env.CASILLA_HOME) return path.resolve(env.CASILLA_HOME);
  switch (process.platform) {
    case 'win32':
      return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
    case 'darwin':
      return path.join(os.homedir(), 'Library', 'Application Support', APP_DIR_NAME);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), APP_DIR_NAME);
  }
}
