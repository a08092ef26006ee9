/**
 * API keys: made with a role and a name, shown once, kept only as a SHA-256; presented as
 * `Authorization: Bearer <key>` or at dashboard sign-in. The key store is this concept's persistence.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { textProblem } from '@/errors/input-text';
import { withDatabaseErrors } from '@/db/database';
import type { ApiKey, PrismaClient } from '@/db/generated/client';
import { InvalidInputError } from '@/errors/invalid-input';
import { AuthenticationRequiredError, ROLES, type Principal, type Role } from './roles';
import { VerifiedKeys } from './verified-keys';

/**
 * "crc_" and 43 base64url characters: 256 random bits, so a plain SHA-256 is a safe, fast lookup (no password
 * stretching needed).
 */
const KEY_PATTERN = /^crc_[A-Za-z0-9_-]{43}$/;
/** How much of a key lists show: enough to tell keys apart, far too little to guess the rest. */
const PREFIX_LENGTH = 12;
export const MAX_KEY_NAME_LENGTH = 100;

export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  /** The key's first characters, to recognise it; not secret. */
  prefix: string;
  /** An admin key's id, "cli" or "first-start". */
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  role: Role;
  createdBy: string;
}

export interface ApiKeyStore {
  /** Stores a new key and returns it in full: the only time it is ever seen. */
  create(request: NewApiKey): Promise<{ key: string; record: ApiKeyRecord }>;
  /**
   * The key's principal, or null when the text is not a live key (malformed, unknown or revoked). A store may believe a
   * key it verified up to VERIFIED_KEY_TTL_MS ago (verified-keys.ts): a key revoked through another store stops working
   * here within that time, one revoked through this store at once.
   */
  authenticate(key: string): Promise<Principal | null>;
  /** One key by id, revoked or not; null when none has it. */
  get(id: string): Promise<ApiKeyRecord | null>;
  /** Every key, newest first, revoked ones included. */
  list(): Promise<ApiKeyRecord[]>;
  /**
   * Revokes the key now (its dashboard sessions end with it); null when no key has this id. Revoking twice keeps the
   * first time.
   */
  revoke(id: string): Promise<ApiKeyRecord | null>;
  /** Keys ever made, revoked or not. */
  count(): Promise<number>;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function isWellFormedKey(text: string): boolean {
  return KEY_PATTERN.test(text);
}

function newKey(): string {
  return `crc_${randomBytes(32).toString('base64url')}`;
}

const newKeySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, `must be 1 to ${MAX_KEY_NAME_LENGTH} characters`)
    .max(MAX_KEY_NAME_LENGTH, `must be 1 to ${MAX_KEY_NAME_LENGTH} characters`)
    .superRefine((name, ctx) => {
      const problem = textProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  role: z.enum(ROLES as [Role, ...Role[]], { error: `must be one of ${ROLES.join(', ')}` }),
  createdBy: z.string().min(1),
});

/** The request, checked: a bad name or role is refused naming the field and what is allowed. */
export function checkNewApiKey(request: NewApiKey): NewApiKey {
  const parsed = newKeySchema.safeParse(request);
  if (!parsed.success) {
    throw new InvalidInputError(
      parsed.error.issues.map((issue) => ({ name: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

/**
 * The principal of an `Authorization` header's value: null without the header, AuthenticationRequiredError
 * for anything but `Bearer <live key>`.
 */
export async function principalFrom(
  keys: ApiKeyStore,
  authorization: string | null | undefined,
): Promise<Principal | null> {
  if (authorization === null || authorization === undefined) return null;
  const [, key] = /^Bearer +(\S+) *$/i.exec(authorization) ?? [];
  if (!key) throw new AuthenticationRequiredError('the Authorization header must read "Bearer <key>"');
  const principal = await keys.authenticate(key);
  if (!principal) throw new AuthenticationRequiredError('the API key is not valid: unknown or revoked');
  return principal;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toRecord(row: ApiKey): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
  };
}

/**
 * The keys kept in the `api_key` table; live keys verified in the last few seconds are answered from `verified`
 * without a query (one per store: the process's memory of them).
 */
export function prismaApiKeyStore(prisma: PrismaClient, verified = new VerifiedKeys()): ApiKeyStore {
  return Object.freeze({
    async create(request: NewApiKey) {
      const { name, role, createdBy } = checkNewApiKey(request);
      const key = newKey();
      const row = await withDatabaseErrors(() =>
        prisma.apiKey.create({
          data: { name, role, createdBy, prefix: key.slice(0, PREFIX_LENGTH), secretHash: hashKey(key) },
        }),
      );
      return { key, record: toRecord(row) };
    },

    async authenticate(key: string) {
      // A malformed key cannot match; not asking spares the database every forged header.
      if (!isWellFormedKey(key)) return null;
      const secretHash = hashKey(key);
      return verified.verify(secretHash, async () => {
        const row = await withDatabaseErrors(() => prisma.apiKey.findUnique({ where: { secretHash } }));
        return row && !row.revokedAt ? { keyId: row.id, name: row.name, role: row.role } : null;
      });
    },

    async get(id: string) {
      if (!UUID.test(id)) return null;
      const row = await withDatabaseErrors(() => prisma.apiKey.findUnique({ where: { id: id.toLowerCase() } }));
      return row ? toRecord(row) : null;
    },

    async list() {
      const rows = await withDatabaseErrors(() =>
        prisma.apiKey.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
      );
      return rows.map(toRecord);
    },

    async revoke(id: string) {
      if (!UUID.test(id)) return null;
      const keyId = id.toLowerCase();
      try {
        return await withDatabaseErrors(async () => {
          await prisma.apiKey.updateMany({ where: { id: keyId, revokedAt: null }, data: { revokedAt: new Date() } });
          const row = await prisma.apiKey.findUnique({ where: { id: keyId } });
          return row ? toRecord(row) : null;
        });
      } finally {
        // After the update, even a failed one (it may have committed): a lookup that read the key live before it is
        // forgotten here, or stores nothing (VerifiedKeys.verify).
        verified.forget(keyId);
      }
    },

    async count() {
      return withDatabaseErrors(() => prisma.apiKey.count());
    },
  });
}
