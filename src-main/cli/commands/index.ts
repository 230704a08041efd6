/**
 * Every CLI command as the help lists it. The code of a command is loaded only when it runs: the build makes
 * one bundle per module of this folder (`dist/node/cli-<name>.cjs`) and a small launcher picks it, so
 * `casilla --version` and `casilla --help` read this table and nothing else. A new command adds one line here,
 * its module (exporting `<name>Command`) and one line in `all.ts`.
 */
/** Each command's one-line summary is the text `cli.summary.<name>` (src-main/cli/text.ts). */
export type CommandListing = { name: string; args?: string };

export const commandTable: CommandListing[] = [
  { name: 'audit' },
  { name: 'certs' },
  { name: 'doctor' },
  { name: 'serve' },
  { name: 'sandbox' },
  { name: 'send' },
  { name: 'outbox' },
  { name: 'profiles' },
  { name: 'sign', args: '<input...>' },
  { name: 'trust' },
  { name: 'tsa' },
  { name: 'verify', args: '<file...>' },
];
