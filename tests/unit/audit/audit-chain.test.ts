import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  canonicalJson,
  GENESIS_HASH,
  linkHash,
  prepareLink,
  verifyLinks,
  type ChainedRecord,
} from '@/audit/audit-chain';

function record(overrides: Partial<ChainedRecord> = {}): ChainedRecord {
  return {
    id: '3f2b8c1e-0000-4000-8000-000000000001',
    sequence: 1,
    createdAt: new Date('2026-11-23T20:00:00.123Z'),
    modelId: 'heart-failure',
    modelVersion: '1.0.0',
    onnxSha256: 'a'.repeat(64),
    inputs: [{ name: 'age', value: 75 }],
    vector: [75],
    probability: 0.25,
    positive: false,
    riskBand: 'MODERATE',
    baseValue: -1.5,
    contributions: [{ name: 'age', value: 75, contribution: 0.4 }],
    patientRef: null,
    requestId: 'r-1',
    latencyMs: 1.25,
    requester: null,
    ...overrides,
  };
}

async function* iterate<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

function chain(records: ChainedRecord[]) {
  let previous = GENESIS_HASH;
  return records.map((r) => {
    const hash = linkHash(previous, r);
    const link = { record: r, previousHash: previous, hash };
    previous = hash;
    return link;
  });
}

describe('canonical JSON', () => {
  it('sorts keys at every level and writes no whitespace, whatever order the keys were built in', () => {
    expect(canonicalJson({ b: 1, a: [{ y: null, x: 'é' }], c: true })).toBe(
      '{"a":[{"x":"é","y":null}],"b":1,"c":true}',
    );
    expect(canonicalJson({ c: true, a: [{ x: 'é', y: null }], b: 1 })).toBe(
      canonicalJson({ b: 1, a: [{ y: null, x: 'é' }], c: true }),
    );
  });

  it('writes numbers as their shortest round-trip text and dates as ISO strings', () => {
    expect(canonicalJson([0.1 + 0.2, 1e-7, 1.100000023841858, -0])).toBe(
      '[0.30000000000000004,1e-7,1.100000023841858,0]',
    );
    expect(canonicalJson(new Date('2026-11-23T20:00:00.123Z'))).toBe('"2026-11-23T20:00:00.123Z"');
  });

  it('is JSON.stringify of the value with every object rebuilt in sorted key order (an independent route)', () => {
    // Integer-like keys are left out: JavaScript enumerates them first whatever order an object is built in.
    const key = fc.string({ unit: 'grapheme', maxLength: 6 }).filter((k) => !/^(0|[1-9][0-9]*)$/.test(k));
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.string({ unit: 'grapheme' }),
        fc.array(tie('value')),
        fc.dictionary(key, tie('value')),
      ),
    })).value;
    const sortedKeys = (_key: string, value: unknown) =>
      value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, (value as Record<string, unknown>)[k]]),
          )
        : value;
    fc.assert(fc.property(json, (value) => expect(canonicalJson(value)).toBe(JSON.stringify(value, sortedKeys))));
  });

  it.each([NaN, Infinity, -Infinity])('refuses %s, which has no JSON form', (n) => {
    expect(() => canonicalJson({ p: n })).toThrow(TypeError);
  });
});

describe('a link hash', () => {
  it('is SHA-256 of the previous hash, a newline and the canonical content, written out by hand here', () => {
    const text =
      '{"baseValue":-1.5,"contributions":[{"contribution":0.4,"name":"age","value":75}],"createdAt":"2026-11-23T20:00:00.123Z",' +
      '"id":"3f2b8c1e-0000-4000-8000-000000000001","inputs":[{"name":"age","value":75}],"latencyMs":1.25,"modelId":"heart-failure",' +
      `"modelVersion":"1.0.0","onnxSha256":"${'a'.repeat(64)}","patientRef":null,"positive":false,"probability":0.25,"requestId":"r-1",` +
      '"requester":null,"riskBand":"MODERATE","sequence":1,"vector":[75]}';
    expect(linkHash(GENESIS_HASH, record())).toBe(
      createHash('sha256').update(`${GENESIS_HASH}\n${text}`).digest('hex'),
    );
  });

  it.each([
    ['probability', { probability: 0.2500001 }],
    ['a contribution', { contributions: [{ name: 'age', value: 75, contribution: 0.41 }] }],
    ['an input', { inputs: [{ name: 'age', value: 76 }] }],
    ['patientRef', { patientRef: 'MRN-1' }],
    ['createdAt', { createdAt: new Date('2026-11-23T20:00:00.124Z') }],
    ['sequence', { sequence: 2 }],
  ])('changes when %s changes', (_field, change) => {
    expect(linkHash(GENESIS_HASH, record(change))).not.toBe(linkHash(GENESIS_HASH, record()));
  });

  it('covers a course when the record has one, and is unchanged for records without one (null or absent)', () => {
    const course = {
      admittedAt: '2026-03-01T08:00:00.000Z',
      moment: 2880,
      observations: [{ name: 'HR', time: '2026-03-01T09:00:00.000Z', value: 90 }],
    };
    // Records stored before the column existed read back without a course: their hashes must not move.
    expect(linkHash(GENESIS_HASH, record({ course: null }))).toBe(linkHash(GENESIS_HASH, record()));
    const withCourse = linkHash(GENESIS_HASH, record({ course }));
    expect(withCourse).not.toBe(linkHash(GENESIS_HASH, record()));
    const changed = { ...course, observations: [{ ...course.observations[0], value: 91 }] };
    expect(linkHash(GENESIS_HASH, record({ course: changed }))).not.toBe(withCourse);
  });

  it('depends on the previous hash', () => {
    expect(linkHash('f'.repeat(64), record())).not.toBe(linkHash(GENESIS_HASH, record()));
  });
});

describe('a link prepared before its place in the chain is known (what the writer hashes under the lock)', () => {
  const course = {
    admittedAt: '2026-03-01T08:00:00.000Z',
    moment: 2880,
    observations: [{ name: 'HR', time: '2026-03-01T09:00:00.000Z', value: 90.5 }],
  };

  it('hashes to SHA-256 of a canonical text written out by hand here, course included', () => {
    const { sequence, createdAt, ...unplaced } = record({ course, patientRef: 'MRN-7', requester: 'key-1' });
    const text =
      '{"baseValue":-1.5,"contributions":[{"contribution":0.4,"name":"age","value":75}],' +
      '"course":{"admittedAt":"2026-03-01T08:00:00.000Z","moment":2880,' +
      '"observations":[{"name":"HR","time":"2026-03-01T09:00:00.000Z","value":90.5}]},' +
      '"createdAt":"2026-11-23T20:00:05.001Z","id":"3f2b8c1e-0000-4000-8000-000000000001",' +
      '"inputs":[{"name":"age","value":75}],"latencyMs":1.25,"modelId":"heart-failure","modelVersion":"1.0.0",' +
      `"onnxSha256":"${'a'.repeat(64)}","patientRef":"MRN-7","positive":false,"probability":0.25,"requestId":"r-1",` +
      '"requester":"key-1","riskBand":"MODERATE","sequence":4096,"vector":[75]}';
    const previous = 'e'.repeat(64);
    expect([sequence, createdAt]).toEqual([1, new Date('2026-11-23T20:00:00.123Z')]);
    expect(prepareLink(unplaced).hash(previous, 4096, new Date('2026-11-23T20:00:05.001Z'))).toBe(
      createHash('sha256').update(`${previous}\n${text}`).digest('hex'),
    );
  });

  it('stores as its jsonb columns the very text its hash covers, valid JSON of the same values', () => {
    const { json } = prepareLink(record({ course }));
    expect(json).toEqual({
      inputs: '[{"name":"age","value":75}]',
      vector: '[75]',
      contributions: '[{"contribution":0.4,"name":"age","value":75}]',
      course:
        '{"admittedAt":"2026-03-01T08:00:00.000Z","moment":2880,' +
        '"observations":[{"name":"HR","time":"2026-03-01T09:00:00.000Z","value":90.5}]}',
    });
    expect(JSON.parse(json.course as string)).toEqual(course);
    expect(prepareLink(record()).json.course).toBeNull();
  });

  const text = fc.string({ unit: 'grapheme', maxLength: 12 });
  const value = fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null });
  const arbitraryRecord = fc.record({
    id: fc.uuid(),
    modelId: text,
    modelVersion: text,
    onnxSha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    inputs: fc.array(fc.record({ name: text, value }), { maxLength: 4 }),
    course: fc.option(
      fc.record({
        admittedAt: text,
        moment: fc.nat(),
        observations: fc.array(
          fc.record({ name: text, time: text, value: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
          {
            maxLength: 3,
          },
        ),
      }),
      { nil: undefined },
    ),
    vector: fc.array(value, { maxLength: 4 }),
    probability: fc.double({ min: 0, max: 1, noNaN: true }),
    positive: fc.boolean(),
    riskBand: fc.constantFrom('LOW' as const, 'MODERATE' as const, 'HIGH' as const),
    baseValue: fc.double({ noNaN: true, noDefaultInfinity: true }),
    contributions: fc.array(
      fc.record({ name: text, value, contribution: fc.double({ noNaN: true, noDefaultInfinity: true }) }),
      { maxLength: 4 },
    ),
    patientRef: fc.option(text, { nil: null }),
    requestId: text,
    latencyMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    requester: fc.option(text, { nil: null }),
  });

  it('gives exactly linkHash for any record, place and previous hash', () => {
    fc.assert(
      fc.property(
        arbitraryRecord,
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.date({ noInvalidDate: true }),
        fc.stringMatching(/^[0-9a-f]{64}$/),
        (unplaced, sequence, createdAt, previous) => {
          expect(prepareLink(unplaced).hash(previous, sequence, createdAt)).toBe(
            linkHash(previous, { ...unplaced, sequence, createdAt }),
          );
        },
      ),
    );
  });
});

describe('verifying links', () => {
  const records = [1, 2, 3, 4, 5, 6].map((sequence) =>
    record({ sequence, id: `3f2b8c1e-0000-4000-8000-00000000000${sequence}` }),
  );
  const kinds = async (links: ReturnType<typeof chain>) =>
    (await verifyLinks(iterate(links))).breaks.map(({ kind, sequence }) => `${kind}@${sequence}`);

  it('accepts an intact chain and reports its head', async () => {
    const links = chain(records);
    await expect(verifyLinks(iterate(links), new Set([2, 9]))).resolves.toEqual({
      checked: 6,
      head: { sequence: 6, hash: links[5].hash },
      breaks: [],
      hashesAt: new Map([[2, links[1].hash]]),
    });
  });

  it('reports an empty chain at sequence 0 with the genesis hash', async () => {
    await expect(verifyLinks(iterate([]))).resolves.toMatchObject({
      checked: 0,
      head: { sequence: 0, hash: GENESIS_HASH },
      breaks: [],
    });
  });

  it('names a changed record', async () => {
    const links = chain(records);
    links[2] = { ...links[2], record: { ...links[2].record, probability: 0.99 } };
    const { breaks } = await verifyLinks(iterate(links));
    expect(breaks).toEqual([
      {
        kind: 'altered',
        sequence: 3,
        id: links[2].record.id,
        reason: 'its content does not match its hash (the record was changed)',
      },
    ]);
  });

  it('names a removed record by the gap it leaves', async () => {
    const links = chain(records);
    links.splice(1, 2);
    const { breaks } = await verifyLinks(iterate(links));
    expect(breaks).toEqual([
      { kind: 'missing', sequence: 2, id: links[1].record.id, reason: 'sequences 2–3 are missing (records deleted)' },
    ]);
  });

  it('names a record whose content and hash were both rewritten, by its broken link to the next', async () => {
    const links = chain(records);
    const forged = { ...links[1].record, probability: 0.99 };
    links[1] = { record: forged, previousHash: links[1].previousHash, hash: linkHash(links[1].previousHash, forged) };
    await expect(kinds(links)).resolves.toEqual(['relinked@3']);
  });

  it('names a repeated sequence', async () => {
    const links = chain(records);
    links.splice(2, 0, links[1]);
    await expect(kinds(links)).resolves.toEqual(['repeated@2']);
  });

  it('names two records swapped in order', async () => {
    const links = chain(records);
    const [a, b] = [links[2], links[3]];
    links[2] = { ...b, record: { ...b.record, sequence: 3 } };
    links[3] = { ...a, record: { ...a.record, sequence: 4 } };
    await expect(kinds(links)).resolves.toEqual(['relinked@3', 'altered@3', 'relinked@4', 'altered@4', 'relinked@5']);
  });

  it('reports every break, so an early one cannot hide a later one', async () => {
    const links = chain(records);
    links[1] = { ...links[1], record: { ...links[1].record, patientRef: 'someone-else' } };
    links[4] = { ...links[4], record: { ...links[4].record, probability: 0.01 } };
    links.splice(5, 1);
    links.push(chain([...records, record({ sequence: 7, id: '3f2b8c1e-0000-4000-8000-000000000007' })])[6]);
    await expect(kinds(links)).resolves.toEqual(['altered@2', 'altered@5', 'missing@6']);
  });
});
