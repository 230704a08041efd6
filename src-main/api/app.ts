import { z } from 'zod';

export const appMethods = {
  'app.info': { input: z.object({}).strict(), progress: false },
  'app.ping': { input: z.object({ echo: z.string().max(200).optional() }).strict(), progress: false },
  /** Records a user action that only the UI sees (unlock, screen lock). */
  'app.activity': {
    input: z.object({ action: z.enum(['lock', 'unlock', 'lock-warning']) }).strict(),
    progress: false,
  },
} as const;

export type AppInfo = {
  name: string;
  version: string;
  shell: 'electron' | 'browser' | 'cli';
  home: string;
  locale: 'es' | 'en';
  node: string;
  platform: string;
  /** The demo certificate of the embedded default (public test material), or null when not shipped. */
  demoCertificate: { path: string; password: string } | null;
};

export interface AppOutputs {
  'app.info': AppInfo;
  'app.ping': { pong: string; at: string };
  'app.activity': { recorded: true };
}
