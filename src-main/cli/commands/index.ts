/** Every CLI command, one module each. A new command adds one line here. */
import type { CommandModule } from '../runtime';
import { auditCommand } from './audit';
import { certsCommand } from './certs';
import { doctorCommand } from './doctor';
import { sandboxCommand } from './sandbox';
import { serveCommand } from './serve';
import { signCommand } from './sign';
import { sendCommand } from './send';
import { outboxCommand } from './outbox';
import { trustCommand } from './trust';
import { verifyCommand } from './verify';

export const commandModules: CommandModule[] = [
  auditCommand,
  doctorCommand,
  serveCommand,
  sandboxCommand,
  sendCommand,
  outboxCommand,
  signCommand,
  verifyCommand,
  certsCommand,
  trustCommand,
];
