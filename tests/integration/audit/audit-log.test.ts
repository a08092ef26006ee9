/**
 * The Prisma audit log on real Postgres and on PGlite: all-or-nothing appends, reads, filters and newest-first keyset
 * pages.
 */
import { createHash, randomBytes } from 'node:crypto';
import { InvalidAuditRecordError, type AuditRecord, type NewAuditRecord } from '@/audit/audit-record';
import { InvalidCursorError, InvalidPageRequestError, MAX_PAGE_SIZE } from '@/audit/audit-pages';
import { STREAM_CHUNK, prismaAuditLog, type AuditLog } from '@/audit/audit-log';
import { DatabaseUnavailableError, openDatabase } from '@/db/database';
import { migrate } from '@/db/migrations';
import { DATABASES, TEST_POSTGRES, type TestDatabase } from '../../support/test-databases';

const ONNX_SHA256 = createHash('sha256').update('diabetes model').digest('hex');

function record(overrides: Partial<NewAuditRecord> = {}): NewAuditRecord {
  return {
    modelId: 'diabetes',
    modelVersion: '2026.11.1',
    onnxSha256: ONNX_SHA256,
    inputs: [
      { name: 'glucose', value: 148 },
      { name: 'insulin', value: null },
    ],
    vector: [148, null, 33.6],
    probability: 0.72,
    positive: true,
    riskBand: 'HIGH',
    baseValue: -0.61,
    contributions: [
      { name: 'glucose', value: 148, contribution: 1.25 },
      { name: 'insulin', value: null, contribution: -0.02 },
      { name: 'bmi', value: 33.6, contribution: 0.31 },
    ],
    patientRef: 'patient-1',
    requestId: 'request-1',
    latencyMs: 1.5,
    requester: 'key-under-test',
    ...overrides,
  };
}

/** The order `list` promises, computed independently: createdAt, then id, both descending. */
function newestFirst(records: AuditRecord[]): AuditRecord[] {
  return [...records].sort(
    (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(DATABASES)('the audit log on %s', (_kind, create) => {
  let database: TestDatabase;
  let log: AuditLog;

  beforeAll(async () => {
    database = await create();
    await migrate(database.db);
    log = prismaAuditLog(database.db.prisma);
  });

  afterAll(async () => {
    await database?.dispose();
  });

  describe('append', () => {
    it('stores a batch and returns it in the given order with ids and the database time', async () => {
      const before = Date.now();
      const batch = [
        record({ requestId: 'batch-a' }),
        record({ requestId: 'batch-a', probability: 0.1, positive: false, riskBand: 'LOW' }),
        record({ requestId: 'batch-a', patientRef: null }),
      ];
      const stored = await log.append(batch);
      expect(stored).toHaveLength(3);
      stored.forEach((r, i) => {
        expect(r).toEqual({
          ...batch[i],
          id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
          createdAt: expect.any(Date),
        });
        // The database's clock may differ slightly from ours; it is the one recorded.
        expect(Math.abs(r.createdAt.getTime() - before)).toBeLessThan(60_000);
      });
      expect(new Set(stored.map((r) => r.id)).size).toBe(3);
    });

    it('returns an empty list for an empty batch', async () => {
      await expect(log.append([])).resolves.toEqual([]);
    });

    it('keeps Json values exactly: nulls for missing values, full double precision', async () => {
      const [stored] = await log.append([
        record({ requestId: 'precision', vector: [0.1 + 0.2, null, -1e-300], baseValue: Math.PI }),
      ]);
      const read = await log.get(stored.id);
      expect(read?.vector).toEqual([0.1 + 0.2, null, -1e-300]);
      expect(read?.baseValue).toBe(Math.PI);
      expect(read?.inputs).toEqual([
        { name: 'glucose', value: 148 },
        { name: 'insulin', value: null },
      ]);
    });

    it('stores nothing when one record is invalid (a required value is null)', async () => {
      const broken = { ...record({ modelId: 'all-or-nothing' }), requestId: null } as unknown as NewAuditRecord;
      const refused = log.append([record({ modelId: 'all-or-nothing' }), broken]);
      await expect(refused).rejects.toBeInstanceOf(InvalidAuditRecordError);
      await expect(refused).rejects.toThrow(/audit record 1.*requestId/s);
      expect((await log.list({ modelId: 'all-or-nothing' }, 10)).totalCount).toBe(0);
    });

    // A rule only the database knows, so a record passes every check of the app and fails in the INSERT.
    const refuseInDatabase = (requestId: string) =>
      database.db.transaction((tx) =>
        tx.exec(`ALTER TABLE prediction ADD CONSTRAINT "refuses_${requestId}" CHECK (request_id <> '${requestId}')`),
      );

    it('stores nothing when the database rejects one record of the batch', async () => {
      await refuseInDatabase('refused-by-the-database');
      const batch = [
        record({ modelId: 'atomic' }),
        record({ modelId: 'atomic', requestId: 'refused-by-the-database' }),
        record({ modelId: 'atomic' }),
      ];
      await expect(log.append(batch)).rejects.toThrow(/refuses_refused-by-the-database/);
      expect((await log.list({ modelId: 'atomic' }, 10)).totalCount).toBe(0);
    });

    it('stores nothing of a batch too large for one INSERT when its last record is rejected', async () => {
      // Larger than any batch the service sends (1,000 rows): still one statement, all or none.
      const batch = Array.from({ length: 2500 }, (_, i) => record({ modelId: 'large', requestId: `large-${i}` }));
      await refuseInDatabase('large-refused');
      batch[batch.length - 1] = record({ modelId: 'large', requestId: 'large-refused' });
      await expect(log.append(batch)).rejects.toThrow(/refuses_large-refused/);
      expect((await log.list({ modelId: 'large' }, 10)).totalCount).toBe(0);
      const stored = await log.append(batch.slice(0, -1));
      expect(stored.map((r) => r.requestId)).toEqual(batch.slice(0, -1).map((r) => r.requestId));
      expect((await log.list({ modelId: 'large' }, 10)).totalCount).toBe(2499);
    });

    it.each([
      ['a NaN probability', { probability: NaN }],
      ['a probability above 1', { probability: 1.2 }],
      ['an infinite contribution', { contributions: [{ name: 'glucose', value: 148, contribution: Infinity }] }],
      ['an unknown risk band', { riskBand: 'SEVERE' as unknown as NewAuditRecord['riskBand'] }],
      ['a hash that is not sha256', { onnxSha256: 'abc' }],
    ])('refuses %s', async (_what, overrides) => {
      await expect(log.append([record({ modelId: 'refused', ...overrides })])).rejects.toMatchObject({
        code: 'INVALID_AUDIT_RECORD',
      });
      expect((await log.list({ modelId: 'refused' }, 10)).totalCount).toBe(0);
    });
  });

  describe('get', () => {
    it('reads a stored record back', async () => {
      const [stored] = await log.append([record({ requestId: 'get-1', patientRef: 'get-patient' })]);
      await expect(log.get(stored.id)).resolves.toEqual(stored);
      await expect(log.get(stored.id.toUpperCase())).resolves.toEqual(stored);
    });

    it('returns null for an unknown id and for a string that is no id at all', async () => {
      await expect(log.get('00000000-0000-4000-8000-000000000000')).resolves.toBeNull();
      await expect(log.get('not-a-uuid')).resolves.toBeNull();
    });
  });

  describe('narrowed to one requester (what a clinician may read)', () => {
    const [mine, theirs] = ['key-ward-7', 'key-ward-9'];
    let own: AuditRecord;
    let other: AuditRecord;
    beforeAll(async () => {
      [own] = await log.append([record({ requester: mine, patientRef: 'scope-patient' })]);
      [other] = await log.append([record({ requester: theirs, patientRef: 'scope-patient' })]);
    });

    it("reads its own record by id, and another requester's as null", async () => {
      await expect(log.get(own.id, { requester: mine })).resolves.toEqual(own);
      await expect(log.get(other.id, { requester: mine })).resolves.toBeNull();
      await expect(log.get(other.id, {})).resolves.toEqual(other);
    });

    it('lists, counts and streams only its own records', async () => {
      const filter = { patientRef: 'scope-patient', requester: mine };
      expect((await log.list(filter, 10)).records.map((r) => r.id)).toEqual([own.id]);
      await expect(log.count(filter)).resolves.toBe(1);
      const streamed: string[] = [];
      for await (const r of log.stream(filter)) streamed.push(r.id);
      expect(streamed).toEqual([own.id]);
      await expect(log.count({ patientRef: 'scope-patient' })).resolves.toBe(2);
    });
  });

  describe('list', () => {
    let page: AuditRecord[];

    beforeAll(async () => {
      // 25 records in five batches: records of one batch share createdAt, so ids break the ties.
      page = [];
      for (let batch = 0; batch < 5; batch++) {
        page.push(
          ...(await log.append(
            Array.from({ length: 5 }, (_, i) =>
              record({
                modelId: 'paging',
                requestId: `paging-${batch}-${i}`,
                patientRef: i % 2 === 0 ? 'paging-even' : 'paging-odd',
                riskBand: (['LOW', 'MODERATE', 'HIGH'] as const)[(batch * 5 + i) % 3],
              }),
            ),
          )),
        );
        // Batches a few milliseconds apart get distinct createdAt values.
        await sleep(5);
      }
    });

    it('pages through 25 records ten at a time, newest first, with cursors', async () => {
      const expected = newestFirst(page);
      const first = await log.list({ modelId: 'paging' }, 10);
      expect(first).toMatchObject({ hasNextPage: true, totalCount: 25 });
      expect(first.records).toEqual(expected.slice(0, 10));
      expect(first.endCursor).toEqual(expect.any(String));

      const second = await log.list({ modelId: 'paging' }, 10, first.endCursor);
      expect(second).toMatchObject({ hasNextPage: true, totalCount: 25 });
      expect(second.records).toEqual(expected.slice(10, 20));

      const third = await log.list({ modelId: 'paging' }, 10, second.endCursor);
      expect(third).toMatchObject({ hasNextPage: false, totalCount: 25 });
      expect(third.records).toEqual(expected.slice(20));

      const after = await log.list({ modelId: 'paging' }, 10, third.endCursor);
      expect(after).toEqual({ records: [], hasNextPage: false, endCursor: null, totalCount: 25 });
    });

    it('ends exactly at the last record when the count divides evenly', async () => {
      const first = await log.list({ modelId: 'paging' }, 25);
      expect(first).toMatchObject({ hasNextPage: false, totalCount: 25 });
      expect(first.records).toHaveLength(25);
    });

    it('is not disturbed by records appended between pages', async () => {
      const older = [
        ...(await log.append([record({ modelId: 'live' }), record({ modelId: 'live' }), record({ modelId: 'live' })])),
      ];
      await sleep(5);
      older.push(
        ...(await log.append([record({ modelId: 'live' }), record({ modelId: 'live' }), record({ modelId: 'live' })])),
      );
      const first = await log.list({ modelId: 'live' }, 3);
      await sleep(5);
      const [newer] = await log.append([record({ modelId: 'live' })]);
      const second = await log.list({ modelId: 'live' }, 3, first.endCursor);
      expect([...first.records, ...second.records]).toEqual(newestFirst(older));
      expect(second).toMatchObject({ hasNextPage: false, totalCount: 7 });
      expect((await log.list({ modelId: 'live' }, 1)).records).toEqual([newer]);
    });

    it.each([
      ['modelId', { modelId: 'paging' }, (r: AuditRecord) => r.modelId === 'paging'],
      [
        'patientRef',
        { modelId: 'paging', patientRef: 'paging-even' },
        (r: AuditRecord) => r.patientRef === 'paging-even',
      ],
      ['riskBand', { modelId: 'paging', riskBand: 'MODERATE' as const }, (r: AuditRecord) => r.riskBand === 'MODERATE'],
    ])('filters by %s', async (_field, filter, keep) => {
      const expected = newestFirst(page.filter(keep));
      const result = await log.list(filter, MAX_PAGE_SIZE);
      expect(result.records).toEqual(expected);
      expect(result.totalCount).toBe(expected.length);
      expect(expected.length).toBeGreaterThan(0);
    });

    it('filters by time: from inclusive, to exclusive', async () => {
      const boundary = page[15].createdAt;
      const from = await log.list({ modelId: 'paging', from: boundary }, MAX_PAGE_SIZE);
      expect(from.records).toEqual(newestFirst(page.filter((r) => r.createdAt >= boundary)));
      const to = await log.list({ modelId: 'paging', to: boundary }, MAX_PAGE_SIZE);
      expect(to.records).toEqual(newestFirst(page.filter((r) => r.createdAt < boundary)));
      expect(from.totalCount + to.totalCount).toBe(25);
      expect(from.totalCount).toBe(10);
      const range = await log.list(
        { modelId: 'paging', from: page[5].createdAt, to: page[10].createdAt },
        MAX_PAGE_SIZE,
      );
      expect(range.records).toEqual(newestFirst(page.slice(5, 10)));
    });

    it('combines filters and pages the filtered list', async () => {
      const filter = { modelId: 'paging', patientRef: 'paging-even', from: page[5].createdAt };
      const expected = newestFirst(
        page.filter((r) => r.patientRef === 'paging-even' && r.createdAt >= page[5].createdAt),
      );
      expect(expected).toHaveLength(12);
      const first = await log.list(filter, 7);
      const second = await log.list(filter, 7, first.endCursor);
      expect(first.totalCount).toBe(12);
      expect(first.hasNextPage).toBe(true);
      expect([...first.records, ...second.records]).toEqual(expected);
      expect(second.hasNextPage).toBe(false);
    });

    it.each([0, -1, 1.5, MAX_PAGE_SIZE + 1, NaN])('refuses first = %s', async (first) => {
      const refused = log.list({}, first);
      await expect(refused).rejects.toBeInstanceOf(InvalidPageRequestError);
      await expect(refused).rejects.toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining(`from 1 to ${MAX_PAGE_SIZE}`),
      });
    });

    it('refuses an invalid date in the filter', async () => {
      await expect(log.list({ from: new Date('not a date') }, 10)).rejects.toBeInstanceOf(InvalidPageRequestError);
    });

    it.each([
      ['requester', 'a\u0000b', 'requester: must not contain control characters'],
      ['modelId', '\u0000', 'modelId: must not contain control characters'],
      ['patientRef', 'MRN-\ud800', 'patientRef: must be well-formed Unicode text (it holds a lone UTF-16 surrogate)'],
      ['patientRef', 'x'.repeat(129), 'patientRef: must be at most 128 characters; got 129'],
    ] as const)(
      'refuses a %s filter Postgres cannot match (%j) in list, count and stream, naming the field',
      async (field, value, message) => {
        // Postgres refused NUL in the query itself: an unexpected error (a 500) instead of an answer.
        const filter = { [field]: value };
        for (const refused of [
          log.list(filter, 10),
          log.count(filter),
          log.stream(filter)[Symbol.asyncIterator]().next(),
        ]) {
          await expect(refused).rejects.toBeInstanceOf(InvalidPageRequestError);
          await expect(refused).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message });
        }
      },
    );

    it.each([
      ['a cursor holding NUL', 'a\u0000b'],
      ['garbage', 'garbage'],
      ['an empty-looking cursor', Buffer.from('|').toString('base64url')],
      ['a cursor without id', Buffer.from(new Date().toISOString()).toString('base64url')],
      ['a cursor with a bad date', Buffer.from('yesterday|00000000-0000-4000-8000-000000000000').toString('base64url')],
      [
        'a cursor with a bad id',
        Buffer.from(`${new Date().toISOString()}|1; DROP TABLE prediction`).toString('base64url'),
      ],
    ])('refuses %s as cursor', async (_what, cursor) => {
      const refused = log.list({ modelId: 'paging' }, 10, cursor);
      await expect(refused).rejects.toBeInstanceOf(InvalidCursorError);
      await expect(refused).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });

    it('treats a null cursor as the first page', async () => {
      expect((await log.list({ modelId: 'paging' }, 3, null)).records).toEqual(newestFirst(page).slice(0, 3));
    });
  });

  describe('count and stream', () => {
    let streamed: AuditRecord[];

    beforeAll(async () => {
      // More than one chunk, in two batches with distinct createdAt, so the keyset crosses both a tie and a chunk edge.
      streamed = await log.append(
        Array.from({ length: STREAM_CHUNK }, (_, i) =>
          record({ modelId: 'stream', riskBand: i % 4 === 0 ? 'HIGH' : 'LOW' }),
        ),
      );
      await sleep(5);
      streamed.push(
        ...(await log.append(Array.from({ length: 7 }, () => record({ modelId: 'stream', riskBand: 'HIGH' })))),
      );
    });

    it('counts the records matching a filter', async () => {
      await expect(log.count({ modelId: 'stream' })).resolves.toBe(STREAM_CHUNK + 7);
      await expect(log.count({ modelId: 'stream', riskBand: 'HIGH' })).resolves.toBe(STREAM_CHUNK / 4 + 7);
      await expect(log.count({ modelId: 'no such model' })).resolves.toBe(0);
    });

    it('streams every matching record newest first, across chunks, each once', async () => {
      const all: AuditRecord[] = [];
      for await (const r of log.stream({ modelId: 'stream' })) all.push(r);
      expect(all).toHaveLength(STREAM_CHUNK + 7);
      expect(all).toEqual(newestFirst(streamed));
      const high: AuditRecord[] = [];
      for await (const r of log.stream({ modelId: 'stream', riskBand: 'HIGH' })) high.push(r);
      expect(high).toEqual(newestFirst(streamed.filter((r) => r.riskBand === 'HIGH')));
    });

    it('streams nothing when nothing matches', async () => {
      for await (const r of log.stream({ modelId: 'no such model' })) throw new Error(`unexpected record ${r.id}`);
    });
  });

  it('sees its database answer a ping', async () => {
    await expect(database.db.ping()).resolves.toBeUndefined();
  });

  it('offers no way to change or remove a record', () => {
    expect(Object.keys(log).sort()).toEqual(['append', 'count', 'get', 'list', 'stream']);
    expect(Object.isFrozen(log)).toBe(true);
  });
});

describe('an unreachable database', () => {
  it('is reported at once as DatabaseUnavailableError (SERVICE_UNAVAILABLE)', async () => {
    // Port 1 on loopback refuses connections.
    const db = await openDatabase({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/crc', connectionTimeoutMs: 2000 });
    try {
      const log = prismaAuditLog(db.prisma);
      const started = Date.now();
      for (const call of [
        () => log.append([record()]),
        () => log.get('00000000-0000-4000-8000-000000000000'),
        () => log.list({}, 10),
      ]) {
        const failed = call();
        await expect(failed).rejects.toBeInstanceOf(DatabaseUnavailableError);
        await expect(failed).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      }
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(migrate(db)).rejects.toBeInstanceOf(DatabaseUnavailableError);
      await expect(db.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await db.close();
    }
  });

  it('is reported as DatabaseUnavailableError when the database does not exist', async () => {
    const db = await openDatabase({ databaseUrl: `${TEST_POSTGRES}/crc_missing_${randomBytes(4).toString('hex')}` });
    try {
      await expect(prismaAuditLog(db.prisma).list({}, 10)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    } finally {
      await db.close();
    }
  });

  it('is reported as DatabaseUnavailableError once the embedded database is closed', async () => {
    const db = await openDatabase({ dataDir: 'memory://' });
    await expect(db.ping()).resolves.toBeUndefined();
    await db.close();
    await expect(prismaAuditLog(db.prisma).list({}, 10)).rejects.toBeInstanceOf(DatabaseUnavailableError);
    await expect(db.ping()).rejects.toBeInstanceOf(DatabaseUnavailableError);
  });
});
