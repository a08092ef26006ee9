/**
 * API keys for tests that drive a real server: made in its database before it starts, or read from its first-start
 * banner.
 */
import { prismaApiKeyStore } from '@/access/api-keys';
import type { Role } from '@/access/roles';
import { openDatabase, type DatabaseOptions } from '@/db/database';
import { migrate } from '@/db/migrations';

/**
 * A new key of `role` in the database `where` names (migrated first, as the server would); the key itself and its id.
 */
export async function createKey(
  where: DatabaseOptions,
  role: Role,
  name = `${role} under test`,
): Promise<{ key: string; id: string }> {
  const db = await openDatabase(where);
  try {
    await migrate(db);
    const { key, record } = await prismaApiKeyStore(db.prisma).create({ name, role, createdBy: 'test' });
    return { key, id: record.id };
  } finally {
    await db.close();
  }
}

/** The key in an embedded server's first-start banner (first-admin-key.ts), or an error when it printed none. */
export function firstAdminKeyIn(output: string): string {
  const keys = output.match(/^ {2}(crc_[A-Za-z0-9_-]{43})$/gm) ?? [];
  if (keys.length !== 1)
    throw new Error(`expected one first-start admin key in the server's output, found ${keys.length}:\n${output}`);
  return keys[0].trim();
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
