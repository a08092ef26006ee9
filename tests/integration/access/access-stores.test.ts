/**
 * API keys and dashboard sessions in real databases: keys shown once and kept hashed, revocation at once, sessions that
 * end with their key, the first-start admin key, and `npm run keys`.
 */
import { createHash } from 'node:crypto';
import { hashKey, prismaApiKeyStore, type ApiKeyStore } from '@/access/api-keys';
import { createFirstAdminKey, firstAdminKeyBanner } from '@/access/first-admin-key';
import { KeysUsageError, runKeysCommand } from '@/access/keys-command';
import { SESSION_HOURS, prismaSessionStore, type SessionStore } from '@/access/sessions';
import { VERIFIED_KEY_TTL_MS, VerifiedKeys } from '@/access/verified-keys';
import type { PrismaClient } from '@/db/generated/client';
import { InvalidInputError } from '@/errors/invalid-input';
import { migrate } from '@/db/migrations';
import { firstAdminKeyIn } from '../../support/api-keys';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

describe.each(DATABASES)('access control on %s', (_kind, create) => {
  let database: TestDatabase;
  let keys: ApiKeyStore;
  let sessions: SessionStore;
  const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
    database.db.transaction((tx) => tx.query<T>(text, params));

  beforeAll(async () => {
    database = await create();
    await migrate(database.db);
    keys = prismaApiKeyStore(database.db.prisma);
    sessions = prismaSessionStore(database.db.prisma);
  });
  afterAll(() => database?.dispose());

  describe('API keys', () => {
    it('makes a key of 256 random bits, shown once and stored only as its SHA-256', async () => {
      const { key, record } = await keys.create({ name: ' Ward 7 ', role: 'clinician', createdBy: 'cli' });
      expect(key).toMatch(/^crc_[A-Za-z0-9_-]{43}$/);
      expect(record).toMatchObject({
        name: 'Ward 7',
        role: 'clinician',
        prefix: key.slice(0, 12),
        createdBy: 'cli',
        revokedAt: null,
      });
      const [row] = await sql('SELECT * FROM api_key WHERE id = $1', [record.id]);
      expect(row.secret_hash).toBe(createHash('sha256').update(key).digest('hex'));
      // Nothing stored holds the secret part of the key.
      expect(JSON.stringify(await sql('SELECT * FROM api_key'))).not.toContain(key.slice(12));
    });

    it('authenticates a live key as its principal, and nothing else', async () => {
      const { key, record } = await keys.create({ name: 'Audit office', role: 'auditor', createdBy: 'cli' });
      await expect(keys.authenticate(key)).resolves.toEqual({
        keyId: record.id,
        name: 'Audit office',
        role: 'auditor',
      });
      await expect(keys.authenticate(`${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`)).resolves.toBeNull();
      await expect(keys.authenticate('crc_short')).resolves.toBeNull();
      await expect(keys.authenticate('')).resolves.toBeNull();
    });

    it('revokes a key at once and keeps the first revocation time', async () => {
      const { key, record } = await keys.create({ name: 'Leaver', role: 'clinician', createdBy: 'cli' });
      const revoked = await keys.revoke(record.id);
      expect(revoked?.revokedAt).toBeInstanceOf(Date);
      await expect(keys.authenticate(key)).resolves.toBeNull();
      const again = await keys.revoke(record.id);
      expect(again?.revokedAt).toEqual(revoked?.revokedAt);
      await expect(keys.revoke('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
      await expect(keys.revoke('not-an-id')).resolves.toBeNull();
    });

    it.each([
      [{ name: '', role: 'clinician' }, [{ name: 'name', message: 'must be 1 to 100 characters' }]],
      [{ name: 'x'.repeat(101), role: 'clinician' }, [{ name: 'name', message: 'must be 1 to 100 characters' }]],
      [{ name: 'tab\there', role: 'clinician' }, [{ name: 'name', message: 'must not contain control characters' }]],
      [{ name: 'Ward 7', role: 'superuser' }, [{ name: 'role', message: 'must be one of clinician, auditor, admin' }]],
    ])('refuses %p naming the field, and stores nothing', async (request, fields) => {
      const before = await keys.count();
      const error = await keys
        .create({ ...(request as { name: string; role: 'clinician' }), createdBy: 'cli' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).fields).toEqual(fields);
      await expect(keys.count()).resolves.toBe(before);
    });
  });

  describe('keys verified a moment ago', () => {
    /** A store of its own whose key lookups are counted, on a clock the test moves. */
    function countedStore() {
      const counted = { lookups: 0, now: Date.now() };
      const prisma = database.db.prisma.$extends({
        query: {
          apiKey: {
            findUnique({ args, query }) {
              counted.lookups++;
              return query(args);
            },
          },
        },
      }) as unknown as PrismaClient;
      return { counted, store: prismaApiKeyStore(prisma, new VerifiedKeys({ now: () => counted.now })) };
    }

    it('answer a key verified less than 5 s ago without a database query', async () => {
      const { key, record } = await keys.create({ name: 'Busy program', role: 'clinician', createdBy: 'cli' });
      const { counted, store } = countedStore();
      const principal = { keyId: record.id, name: 'Busy program', role: 'clinician' };
      await expect(store.authenticate(key)).resolves.toEqual(principal);
      counted.now += VERIFIED_KEY_TTL_MS - 1;
      await expect(store.authenticate(key)).resolves.toEqual(principal);
      expect(counted.lookups).toBe(1);
      counted.now += 1;
      await expect(store.authenticate(key)).resolves.toEqual(principal);
      expect(counted.lookups).toBe(2);
    });

    it('stop working at once when the key is revoked through the same store', async () => {
      const { store } = countedStore();
      const { key, record } = await store.create({ name: 'Leaver 2', role: 'clinician', createdBy: 'cli' });
      await expect(store.authenticate(key)).resolves.not.toBeNull();
      await store.revoke(record.id);
      await expect(store.authenticate(key)).resolves.toBeNull();
    });

    it('stop working within 5 s when another store (another process) revokes the key', async () => {
      const { key, record } = await keys.create({ name: 'Leaver 3', role: 'clinician', createdBy: 'cli' });
      const { counted, store } = countedStore();
      await expect(store.authenticate(key)).resolves.not.toBeNull();
      await keys.revoke(record.id);
      counted.now += VERIFIED_KEY_TTL_MS - 1;
      await expect(store.authenticate(key)).resolves.not.toBeNull();
      counted.now += 1;
      await expect(store.authenticate(key)).resolves.toBeNull();
    });

    it('are not kept when the key is unknown: each attempt asks the database', async () => {
      const { counted, store } = countedStore();
      const forged = `crc_${'F'.repeat(43)}`;
      await expect(store.authenticate(forged)).resolves.toBeNull();
      await expect(store.authenticate(forged)).resolves.toBeNull();
      expect(counted.lookups).toBe(2);
    });
  });

  describe('sessions', () => {
    it('resolves a session to its key until it ends, keeping only the token hash', async () => {
      const { record } = await keys.create({ name: 'Ward 9', role: 'clinician', createdBy: 'cli' });
      const { token, expiresAt } = await sessions.start(record.id);
      expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(SESSION_HOURS * 3600_000 - 60_000);
      await expect(sessions.resolve(token)).resolves.toEqual({ keyId: record.id, name: 'Ward 9', role: 'clinician' });
      expect(JSON.stringify(await sql('SELECT * FROM session'))).not.toContain(token);
      await sessions.end(token);
      await expect(sessions.resolve(token)).resolves.toBeNull();
    });

    it('ends at expiry', async () => {
      const { record } = await keys.create({ name: 'Night shift', role: 'clinician', createdBy: 'cli' });
      const { token } = await sessions.start(record.id);
      await expect(sessions.resolve(token, new Date(Date.now() + SESSION_HOURS * 3600_000 + 1000))).resolves.toBeNull();
    });

    it('ends when its key is revoked', async () => {
      const { record } = await keys.create({ name: 'Locum', role: 'clinician', createdBy: 'cli' });
      const { token } = await sessions.start(record.id);
      await keys.revoke(record.id);
      await expect(sessions.resolve(token)).resolves.toBeNull();
    });

    it('ignores tokens it never made', async () => {
      await expect(sessions.resolve('x'.repeat(43))).resolves.toBeNull();
      await expect(sessions.resolve('')).resolves.toBeNull();
      await expect(sessions.end('nonsense')).resolves.toBeUndefined();
    });
  });
});

describe.each(DATABASES)('the first-start admin key and `npm run keys` on %s', (_kind, create) => {
  let database: TestDatabase;
  let keys: ApiKeyStore;
  beforeAll(async () => {
    database = await create();
    await migrate(database.db);
    keys = prismaApiKeyStore(database.db.prisma);
  });
  afterAll(() => database?.dispose());

  it('makes one admin key on an empty database, prints it in a banner once, and never again', async () => {
    const key = await createFirstAdminKey(keys);
    expect(key).not.toBeNull();
    await expect(keys.authenticate(key!)).resolves.toMatchObject({ role: 'admin' });
    expect(firstAdminKeyIn(firstAdminKeyBanner(key!))).toBe(key);
    await expect(createFirstAdminKey(keys)).resolves.toBeNull();
    await expect(keys.count()).resolves.toBe(1);
  });

  it('creates a key with a role and a name and prints it once; lists keys without secrets; revokes by id', async () => {
    const created = await runKeysCommand(['create', '--role', 'clinician', '--name', 'Ward 7'], keys);
    const key = firstAdminKeyIn(created);
    const principal = await keys.authenticate(key);
    expect(principal).toMatchObject({ name: 'Ward 7', role: 'clinician' });
    expect(created).toContain(`created clinician key ${principal!.keyId} for "Ward 7"`);
    const listed = await runKeysCommand(['list'], keys);
    expect(listed).toContain(principal!.keyId);
    expect(listed).toContain(`${key.slice(0, 12)}…`);
    expect(listed).not.toContain(key);
    expect(listed).not.toContain(hashKey(key));
    await expect(runKeysCommand(['revoke', principal!.keyId], keys)).resolves.toMatch(/^revoked: .* revoked 20\d\d-/);
    await expect(keys.authenticate(key)).resolves.toBeNull();
  });

  it.each([
    [[], /no command given/],
    [['create', '--role', 'clinician'], /create needs --role and --name/],
    [['revoke'], /revoke takes one key id/],
    [['revoke', '00000000-0000-4000-8000-000000000000'], /no key has the id/],
    [['rotate'], /unknown command "rotate"/],
    [['create', '--role'], /argument missing|--role/],
    [['list', '--force'], /Unknown option '--force'/],
  ])('explains %p with the usage', async (args, message) => {
    const error = await runKeysCommand(args as string[], keys).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeysUsageError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain('usage:');
  });

  it('refuses a role that does not exist, naming the allowed ones', async () => {
    const error = await runKeysCommand(['create', '--role', 'root', '--name', 'x'], keys).catch((e: unknown) => e);
    expect((error as InvalidInputError).fields).toEqual([
      { name: 'role', message: 'must be one of clinician, auditor, admin' },
    ]);
  });
});
