import { InvalidArgumentError, type Command } from 'commander';
import { API_ROLES, apiKeyEntrySchema, createApiKey, type ApiRole } from '../../config/index.js';
import { parseIntOption } from '../output.js';

interface CreateOptions {
  name: string;
  role: ApiRole;
  rateLimit?: number;
  json?: boolean;
}

function parseName(value: string): string {
  const checked = apiKeyEntrySchema.shape.name.safeParse(value);
  if (!checked.success) throw new InvalidArgumentError(checked.error.issues[0]?.message ?? 'invalid name');
  return value;
}

function parseRole(value: string): ApiRole {
  if (!(API_ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${API_ROLES.join(', ')}`);
  return value as ApiRole;
}

function parseLimit(value: string): number {
  const n = parseIntOption(value);
  if (n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/**
 * `magpie keys create`: a new random API key, printed once, and the configuration entry that
 * admits it (its SHA-256, never the key). Nothing is written anywhere (ADR 0007).
 */
export function keysCommand(program: Command): void {
  const keys = program.command('keys').description('Manage API keys (server.auth): create one for a client.');
  keys
    .command('create')
    .description('Print a new random API key (once) and the server.auth.keys entry that admits it.')
    .requiredOption('--name <name>', 'who holds the key (letters, digits, ".", "_", "-")', parseName)
    .requiredOption('--role <role>', `what it may do: ${API_ROLES.join(', ')}`, parseRole)
    .option('--rate-limit <n>', 'requests per minute for this key', parseLimit)
    .option('--json', 'print {"key", "entry"} as JSON')
    .action((o: CreateOptions) => {
      const { key, entry } = createApiKey(o.name, o.role, o.rateLimit);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ key, entry })}\n`);
        return;
      }
      process.stdout.write(
        [
          `API key for "${entry.name}" (role ${entry.role}). It is shown only now: store it where the client keeps secrets.`,
          '',
          `  ${key}`,
          '',
          'Add this entry to server.auth.keys in the configuration, then restart the server:',
          '',
          `  ${JSON.stringify(entry)}`,
          '',
          `Clients send it as "Authorization: Bearer <key>" or "x-api-key: <key>".`,
          '',
        ].join('\n'),
      );
    });
}
