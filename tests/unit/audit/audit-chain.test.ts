import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, linkHash, verifyLinks, type ChainedRecord } from '@/audit/audit-chain';

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
    expect(canonicalJson({ b: 1, a: [{ y: null, x: 'é' }], c: true })).toBe('{"a":[{"x":"é","y":null}],"b":1,"c":true}');
    expect(canonicalJson({ c: true, a: [{ x: 'é', y: null }], b: 1 })).toBe(canonicalJson({ b: 1, a: [{ y: null, x: 'é' }], c: true }));
  });

  it('writes numbers as their shortest round-trip text and dates as ISO strings', () => {
    expect(canonicalJson([0.1 + 0.2, 1e-7, 1.100000023841858, -0])).toBe('[0.30000000000000004,1e-7,1.100000023841858,0]');
    expect(canonicalJson(new Date('2026-11-23T20:00:00.123Z'))).toBe('"2026-11-23T20:00:00.123Z"');
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
    expect(linkHash(GENESIS_HASH, record())).toBe(createHash('sha256').update(`${GENESIS_HASH}\n${text}`).digest('hex'));
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

  it('depends on the previous hash', () => {
    expect(linkHash('f'.repeat(64), record())).not.toBe(linkHash(GENESIS_HASH, record()));
  });
});

describe('verifying links', () => {
  const records = [1, 2, 3, 4].map((sequence) => record({ sequence, id: `3f2b8c1e-0000-4000-8000-00000000000${sequence}` }));

  it('accepts an intact chain and reports its head', async () => {
    const links = chain(records);
    await expect(verifyLinks(iterate(links), 2)).resolves.toEqual({ checked: 4, unchained: 2, head: links[3].hash, firstBroken: null });
  });

  it('names a changed record', async () => {
    const links = chain(records);
    links[2] = { ...links[2], record: { ...links[2].record, probability: 0.99 } };
    const report = await verifyLinks(iterate(links), 0);
    expect(report).toMatchObject({ checked: 2, firstBroken: { sequence: 3, reason: expect.stringMatching(/content does not match/) } });
  });

  it('names a removed record by the gap it leaves', async () => {
    const links = chain(records);
    links.splice(1, 1);
    expect((await verifyLinks(iterate(links), 0)).firstBroken).toMatchObject({ sequence: 3, reason: 'sequence 2 is missing' });
  });

  it('names a record whose content and hash were both rewritten, by its broken link to the next', async () => {
    const links = chain(records);
    const forged = { ...links[1].record, probability: 0.99 };
    links[1] = { record: forged, previousHash: links[1].previousHash, hash: linkHash(links[1].previousHash, forged) };
    expect((await verifyLinks(iterate(links), 0)).firstBroken).toMatchObject({ sequence: 3, reason: expect.stringMatching(/previous hash/) });
  });
});
