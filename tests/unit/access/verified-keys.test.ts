/** Keys verified a moment ago: believed for the TTL, forgotten at revocation, bounded, and never negative or failed. */
import type { Principal } from '@/access/roles';
import { MAX_VERIFIED_KEYS, VERIFIED_KEY_TTL_MS, VerifiedKeys } from '@/access/verified-keys';

const principal = (n: number): Principal => ({ keyId: `key-${n}`, name: `Key ${n}`, role: 'clinician' });

/** A clock the test moves, and a lookup that counts its calls (the database queries a store would send). */
function setup(options: { maxKeys?: number } = {}) {
  let now = 1_000_000;
  const verified = new VerifiedKeys({ ...options, now: () => now });
  const lookups: string[] = [];
  const lookup = (hash: string, answer: Principal | null) => () => {
    lookups.push(hash);
    return Promise.resolve(answer);
  };
  return { verified, lookups, lookup, advance: (ms: number) => (now += ms) };
}

describe('verified keys', () => {
  it('are 5 s and 1,000 keys by default', () => {
    expect([VERIFIED_KEY_TTL_MS, MAX_VERIFIED_KEYS]).toEqual([5_000, 1_000]);
  });

  it('answer a key verified less than the TTL ago without a lookup', async () => {
    const { verified, lookups, lookup, advance } = setup();
    await expect(verified.verify('h1', lookup('h1', principal(1)))).resolves.toEqual(principal(1));
    advance(VERIFIED_KEY_TTL_MS - 1);
    await expect(verified.verify('h1', lookup('h1', null))).resolves.toEqual(principal(1));
    expect(lookups).toEqual(['h1']);
  });

  it('ask again once the TTL has passed, and then believe the answer (a key revoked elsewhere)', async () => {
    const { verified, lookups, lookup, advance } = setup();
    await verified.verify('h1', lookup('h1', principal(1)));
    advance(VERIFIED_KEY_TTL_MS);
    await expect(verified.verify('h1', lookup('h1', null))).resolves.toBeNull();
    await expect(verified.verify('h1', lookup('h1', null))).resolves.toBeNull();
    expect(lookups).toEqual(['h1', 'h1', 'h1']);
  });

  it('do not keep an unknown or revoked key: every attempt is looked up', async () => {
    const { verified, lookups, lookup } = setup();
    await verified.verify('forged', lookup('forged', null));
    await verified.verify('forged', lookup('forged', null));
    expect(lookups).toEqual(['forged', 'forged']);
    expect(verified.size).toBe(0);
  });

  it('keep nothing when the lookup fails (the database is unreachable)', async () => {
    const { verified, lookups, lookup } = setup();
    const failing = () => Promise.reject(new Error('the audit database is unavailable'));
    await expect(verified.verify('h1', failing)).rejects.toThrow('unavailable');
    await verified.verify('h1', lookup('h1', principal(1)));
    expect(lookups).toEqual(['h1']);
  });

  it('forget a revoked key at once, under every hash remembered for it', async () => {
    const { verified, lookups, lookup } = setup();
    await verified.verify('h1', lookup('h1', principal(1)));
    await verified.verify('h2', lookup('h2', principal(2)));
    verified.forget('key-1');
    await expect(verified.verify('h1', lookup('h1', null))).resolves.toBeNull();
    await verified.verify('h2', lookup('h2', null));
    expect(lookups).toEqual(['h1', 'h2', 'h1']);
  });

  it('do not keep what a lookup read before a revocation that happened while it ran', async () => {
    const { verified, lookups, lookup } = setup();
    let answer!: (p: Principal) => void;
    const pending = verified.verify('h1', () => new Promise<Principal>((resolve) => (answer = resolve)));
    verified.forget('key-1');
    answer(principal(1));
    await expect(pending).resolves.toEqual(principal(1));
    await expect(verified.verify('h1', lookup('h1', null))).resolves.toBeNull();
    expect(lookups).toEqual(['h1']);
  });

  it('hold at most maxKeys, forgetting the least recently used first', async () => {
    const { verified, lookups, lookup } = setup({ maxKeys: 3 });
    for (const n of [1, 2, 3]) await verified.verify(`h${n}`, lookup(`h${n}`, principal(n)));
    await verified.verify('h1', lookup('h1', principal(1))); // used again: h2 is now the least recent
    await verified.verify('h4', lookup('h4', principal(4)));
    expect(verified.size).toBe(3);
    lookups.length = 0;
    for (const n of [1, 3, 4, 2]) await verified.verify(`h${n}`, lookup(`h${n}`, principal(n)));
    expect(lookups).toEqual(['h2']);
  });
});
