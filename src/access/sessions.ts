/**
 * Dashboard sessions: signing in with an API key starts one; the browser holds a random token in an
 * HttpOnly cookie and the database only its SHA-256. A session ends at sign-out, at expiry, or when
 * its key is revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { withDatabaseErrors } from '@/db/database';
import type { PrismaClient } from '@/db/generated/client';
import type { Principal } from './roles';

/** The cookie's name. */
export const SESSION_COOKIE = 'crc_session';
/** A clinical shift: long enough not to interrupt work, short enough that a forgotten browser signs out. */
export const SESSION_HOURS = 12;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface SessionStore {
  /** A new session for the key; the token goes in the cookie and nowhere else. */
  start(keyId: string, now?: Date): Promise<{ token: string; expiresAt: Date }>;
  /** The session's principal, or null when the token is unknown, expired, or its key revoked. */
  resolve(token: string, now?: Date): Promise<Principal | null>;
  /** Ends the session (signing out); an unknown token is ignored. */
  end(token: string): Promise<void>;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Sessions kept in the `session` table. */
export function prismaSessionStore(prisma: PrismaClient): SessionStore {
  return Object.freeze({
    async start(keyId: string, now = new Date()) {
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3600_000);
      await withDatabaseErrors(async () => {
        // Expired sessions are useless; clearing them here keeps the table the size of the active ones.
        await prisma.session.deleteMany({ where: { expiresAt: { lte: now } } });
        await prisma.session.create({ data: { tokenHash: hashToken(token), apiKeyId: keyId, expiresAt } });
      });
      return { token, expiresAt };
    },

    async resolve(token: string, now = new Date()) {
      if (!TOKEN_PATTERN.test(token)) return null;
      const session = await withDatabaseErrors(() =>
        prisma.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { apiKey: true } }),
      );
      if (!session || session.expiresAt <= now || session.apiKey.revokedAt) return null;
      return { keyId: session.apiKey.id, name: session.apiKey.name, role: session.apiKey.role };
    },

    async end(token: string) {
      if (!TOKEN_PATTERN.test(token)) return;
      await withDatabaseErrors(() => prisma.session.deleteMany({ where: { tokenHash: hashToken(token) } }));
    },
  });
}
