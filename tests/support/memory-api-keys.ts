/** An ApiKeyStore kept in memory, for GraphQL tests without a database; it checks and hashes as the real one does. */
import { randomBytes, randomUUID } from 'node:crypto';
import { checkNewApiKey, hashKey, type ApiKeyRecord, type ApiKeyStore, type NewApiKey } from '@/access/api-keys';
import type { Principal, Role } from '@/access/roles';

export class MemoryApiKeyStore implements ApiKeyStore {
  private readonly byHash = new Map<string, ApiKeyRecord>();

  async create(request: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }> {
    const { name, role, createdBy } = checkNewApiKey(request);
    const key = `crc_${randomBytes(32).toString('base64url')}`;
    const record: ApiKeyRecord = {
      id: randomUUID(),
      name,
      role,
      prefix: key.slice(0, 12),
      createdBy,
      createdAt: new Date(),
      revokedAt: null,
    };
    this.byHash.set(hashKey(key), record);
    return { key, record };
  }

  async authenticate(key: string): Promise<Principal | null> {
    const record = this.byHash.get(hashKey(key));
    return record && !record.revokedAt ? { keyId: record.id, name: record.name, role: record.role } : null;
  }

  async get(id: string): Promise<ApiKeyRecord | null> {
    return [...this.byHash.values()].find((r) => r.id === id) ?? null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.byHash.values()].reverse();
  }

  async revoke(id: string): Promise<ApiKeyRecord | null> {
    const record = [...this.byHash.values()].find((r) => r.id === id) ?? null;
    if (record && !record.revokedAt) record.revokedAt = new Date();
    return record;
  }

  async count(): Promise<number> {
    return this.byHash.size;
  }

  /** A new key of `role`, as the Authorization header a client sends. */
  async bearer(role: Role, name = `${role} under test`): Promise<{ authorization: string; keyId: string }> {
    const { key, record } = await this.create({ name, role, createdBy: 'test' });
    return { authorization: `Bearer ${key}`, keyId: record.id };
  }
}
