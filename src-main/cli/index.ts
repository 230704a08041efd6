// The whole CLI in one module graph (the tests bundle this); the shipped CLI is `launcher.ts` + one bundle per command.
import { openCore } from '../core/context';
import { allCommands } from './commands/all';
import { main } from './main';
import { useZodLocale } from './zod-locale';

void main(process.argv.slice(2), { commands: allCommands, openCore, useZodLocale }).then((code) => {
  process.exitCode = code;
});
