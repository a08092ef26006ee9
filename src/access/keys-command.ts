/**
 * `npm run keys -- <create|list|revoke>`: manages API keys in the configured database (DATABASE_URL,
 * or the embedded one in DATA_DIR). Shell access to the database is admin access, so no key is asked.
 */
import { CodedError } from '@/errors/coded-error';
import { parseArgs } from 'node:util';
import { openDatabase } from '@/db/database';
import { migrate } from '@/db/migrations';
import { InvalidInputError } from '@/errors/invalid-input';
import { prismaApiKeyStore, type ApiKeyRecord, type ApiKeyStore } from './api-keys';
import { ROLES, type Role } from './roles';

const USAGE = `usage:
  npm run keys -- create --role <${ROLES.join('|')}> --name "<who or what uses it>"
  npm run keys -- list
  npm run keys -- revoke <key id>`;

/** A command line that does not say what to do; the usage goes with the message. */
export class KeysUsageError extends CodedError {
  readonly code = 'USAGE';
  constructor(message: string) {
    super(`${message}\n${USAGE}`);
  }
}

function describe(record: ApiKeyRecord): string {
  const state = record.revokedAt ? `revoked ${record.revokedAt.toISOString()}` : 'active';
  return `${record.id}  ${record.role.padEnd(9)}  ${record.prefix}…  ${state.padEnd(32)}  ${record.name}`;
}

/** Runs one command against an open store and returns what to print. */
function parse(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    });
  } catch (error) {
    // An unknown option, or one without its value.
    throw new KeysUsageError((error as Error).message);
  }
}

export async function runKeysCommand(args: string[], store: ApiKeyStore): Promise<string> {
  const { positionals, values } = parse(args);
  const [command, ...rest] = positionals;
  switch (command) {
    case 'create': {
      if (rest.length > 0) throw new KeysUsageError(`create takes no positional arguments; got ${rest.join(' ')}`);
      if (values.role === undefined || values.name === undefined)
        throw new KeysUsageError('create needs --role and --name');
      const { key, record } = await store.create({ name: values.name, role: values.role as Role, createdBy: 'cli' });
      return [
        `created ${record.role} key ${record.id} for "${record.name}"`,
        '',
        `  ${key}`,
        '',
        'It is shown only now: only its SHA-256 is stored.',
      ].join('\n');
    }
    case 'list': {
      const keys = await store.list();
      return keys.length === 0 ? 'no keys' : keys.map(describe).join('\n');
    }
    case 'revoke': {
      if (rest.length !== 1) throw new KeysUsageError('revoke takes one key id');
      const record = await store.revoke(rest[0]);
      if (!record) throw new KeysUsageError(`no key has the id ${rest[0]}`);
      return `revoked: ${describe(record)}`;
    }
    default:
      throw new KeysUsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

async function main(): Promise<void> {
  const db = await openDatabase();
  try {
    // The embedded database is migrated on the server's start; a fresh one is migrated here likewise.
    if (db.kind === 'pglite') await migrate(db);
    console.log(await runKeysCommand(process.argv.slice(2), prismaApiKeyStore(db.prisma)));
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    if (error instanceof InvalidInputError)
      console.error(`keys: ${error.fields.map((f) => `--${f.name}: ${f.message}`).join('; ')}`);
    else console.error(`keys: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof KeysUsageError || error instanceof InvalidInputError ? 2 : 1;
  });
}
