/** Every command module at once: for the single-bundle CLI (tests) and the type check. */
import type { CommandModule } from '../runtime';
import { auditCommand } from './audit';
import { certsCommand } from './certs';
import { doctorCommand } from './doctor';
import { outboxCommand } from './outbox';
import { profilesCommand } from './profiles';
import { sandboxCommand } from './sandbox';
import { sendCommand } from './send';
import { serveCommand } from './serve';
import { signCommand } from './sign';
import { trustCommand } from './trust';
import { tsaCommand } from './tsa';
import { verifyCommand } from './verify';

export const allCommands: Record<string, CommandModule> = {
  audit: auditCommand,
  certs: certsCommand,
  doctor: doctorCommand,
  serve: serveCommand,
  sandbox: sandboxCommand,
  send: sendCommand,
  outbox: outboxCommand,
  profiles: profilesCommand,
  sign: signCommand,
  trust: trustCommand,
  tsa: tsaCommand,
  verify: verifyCommand,
};
