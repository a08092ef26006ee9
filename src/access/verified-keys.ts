/**
 * Keys verified a moment ago: a short, bounded memory of (key hash → principal) that spares the key store's database
 * lookup on every request of a busy caller. Only positive answers are kept, never past VERIFIED_KEY_TTL_MS.
 */
import type { Principal } from './roles';

/**
 * How long a verified key is believed without asking the database again: the longest a key revoked by another process
 * (`npm run keys -- revoke`, another app instance) keeps working here. Revocation in this process is immediate.
 */
export const VERIFIED_KEY_TTL_MS = 5_000;
/** Keys remembered at most; the least recently used is forgotten first. */
export const MAX_VERIFIED_KEYS = 1_000;

export interface VerifiedKeyOptions {
  ttlMs?: number;
  maxKeys?: number;
  /** Milliseconds since the epoch; tests pass a clock of their own. */
  now?: () => number;
}

interface Entry {
  principal: Principal;
  expiresAt: number;
}

/**
 * Negative answers are not kept: a forged or unknown key costs one indexed lookup either way, and remembering them
 * would let anyone with a stream of made-up keys push the real ones out.
 */
export class VerifiedKeys {
  // A Map iterates in insertion order: re-inserting on each hit keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** Counts forget() calls: a lookup that began before one must not store what it read. */
  private revocations = 0;

  constructor(options: VerifiedKeyOptions = {}) {
    this.ttlMs = options.ttlMs ?? VERIFIED_KEY_TTL_MS;
    this.maxKeys = options.maxKeys ?? MAX_VERIFIED_KEYS;
    this.now = options.now ?? Date.now;
  }

  /** How many keys are remembered (expired ones included until they are next asked for or pushed out). */
  get size(): number {
    return this.entries.size;
  }

  /** The principal of the key with this hash, if it was verified less than the TTL ago. */
  get(keyHash: string): Principal | undefined {
    const entry = this.entries.get(keyHash);
    if (!entry) return undefined;
    this.entries.delete(keyHash);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(keyHash, entry);
    return entry.principal;
  }

  /**
   * Verifies through `lookup` (the database) unless the key is remembered, and remembers a live key's principal — unless
   * a key was revoked in this process while the lookup ran, since the row it read may predate that revocation. A
   * lookup that throws stores nothing.
   */
  async verify(keyHash: string, lookup: () => Promise<Principal | null>): Promise<Principal | null> {
    const remembered = this.get(keyHash);
    if (remembered) return remembered;
    const revocations = this.revocations;
    const principal = await lookup();
    if (principal && revocations === this.revocations) this.remember(keyHash, principal);
    return principal;
  }

  /** Forgets every remembered hash of the key with this id (it is being revoked). */
  forget(keyId: string): void {
    this.revocations++;
    for (const [hash, entry] of this.entries) if (entry.principal.keyId === keyId) this.entries.delete(hash);
  }

  private remember(keyHash: string, principal: Principal): void {
    this.entries.delete(keyHash);
    this.entries.set(keyHash, { principal, expiresAt: this.now() + this.ttlMs });
    while (this.entries.size > this.maxKeys) this.entries.delete(this.entries.keys().next().value as string);
  }
}
