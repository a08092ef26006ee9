/** Specification of the training bins drift is measured in: deciles or one bin per value, fixed edges, float32 compares. */
import {
  binEdges,
  binOf,
  countInBins,
  inputReference,
  MAX_VALUE_BINS,
  referenceDistributionSchema,
  vectorReferences,
} from '@/features/reference-distribution';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('binEdges', () => {
  it('cuts 1…100 at its deciles 10, 20, …, 90: ten bins of ten values', () => {
    const values = range(1, 100);
    const { binning, edges } = binEdges(values);
    expect(binning).toBe('decile');
    expect(edges).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(countInBins(edges, values)).toEqual({ counts: new Array(10).fill(10), missing: 0 });
  });

  it('takes each decile as a training value (the smallest with at least k/10 of the values at or below it)', () => {
    // 25 values: the 0.1 quantile is the 3rd (ceil(2.5)), the 0.5 quantile the 13th (ceil(12.5)).
    const values = range(1, 25).map((v) => v * 2);
    const { edges } = binEdges(values);
    expect(edges).toEqual([6, 10, 16, 20, 26, 30, 36, 40, 46]);
    for (const edge of edges) expect(values).toContain(edge);
  });

  it('merges equal deciles: half the rows at 0 give one bin for them', () => {
    const values = [...new Array(50).fill(0), ...range(1, 50)];
    const { edges } = binEdges(values);
    expect(edges).toEqual([0, 10, 20, 30, 40]);
    expect(countInBins(edges, values).counts).toEqual([50, 10, 10, 10, 10, 10]);
  });

  it('drops a decile at the maximum, whose bin above would be empty', () => {
    const values = [...range(1, 10), ...new Array(90).fill(100)];
    const { edges } = binEdges(values);
    expect(edges).toEqual([10]);
    expect(countInBins(edges, values).counts).toEqual([10, 90]);
  });

  it(`gives one bin per value to an entry with at most ${MAX_VALUE_BINS} distinct values`, () => {
    expect(binEdges([1, 0, 1, NaN, 1])).toEqual({ binning: 'value', edges: [0] });
    expect(binEdges([4, 1, 3, 2, 2])).toEqual({ binning: 'value', edges: [1, 2, 3] });
    expect(binEdges(range(1, MAX_VALUE_BINS)).binning).toBe('value');
    expect(binEdges(range(1, MAX_VALUE_BINS + 1)).binning).toBe('decile');
  });

  it('ignores missing values, and gives an always-missing entry a single empty bin', () => {
    expect(binEdges([NaN, ...range(1, 100), NaN]).edges).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(inputReference('x', [NaN, NaN])).toEqual({
      name: 'x',
      binning: 'value',
      edges: [],
      counts: [0],
      missing: 2,
    });
  });

  it('keeps float32 edges: every edge is the float32 image of a training value', () => {
    const values = Float32Array.from(range(1, 100), (v) => v / 10);
    for (const edge of binEdges(values).edges) expect(Math.fround(edge)).toBe(edge);
  });
});

describe('binOf', () => {
  const edges = [10, 20, 30];

  it('puts a value in the first bin whose upper edge is at or above it (upper edges inclusive)', () => {
    expect([-5, 10, 10.5, 20, 29, 30, 31, 1e9].map((v) => binOf(edges, v))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });

  it('compares the float32 image of a value, as the model does', () => {
    const edge = Math.fround(1.1); // 1.100000023841858
    const justAbove = 1.10000002385; // above the edge as a double, the same float32
    expect(justAbove).toBeGreaterThan(edge);
    expect(binOf([edge], justAbove)).toBe(0);
    expect(binOf([edge], 1.1)).toBe(0);
    expect(binOf([edge], 1.1000001)).toBe(1);
  });

  it('agrees with a linear scan on every value', () => {
    const cuts = [0, 0.5, 1, 2, 3, 5, 8, 13];
    for (let v = -2; v <= 15; v += 0.25) {
      const linear = cuts.findIndex((e) => v <= e);
      expect(binOf(cuts, v)).toBe(linear === -1 ? cuts.length : linear);
    }
  });
});

describe('countInBins and vectorReferences', () => {
  it('counts null and NaN as missing', () => {
    expect(countInBins([1], [0, 1, 2, null, NaN])).toEqual({ counts: [2, 1], missing: 2 });
  });

  it('bins each column of a row-major matrix on its own', () => {
    // Two columns: x = 1…20 with one missing, flag = 0/1.
    const x = new Float32Array(40);
    for (let r = 0; r < 20; r++) {
      x[r * 2] = r === 7 ? NaN : r + 1;
      x[r * 2 + 1] = r % 4 === 0 ? 1 : 0;
    }
    const [value, flag] = vectorReferences(['x', 'flag'], x);
    expect(value.name).toBe('x');
    expect(value.binning).toBe('decile');
    expect(value.missing).toBe(1);
    expect(value.counts.reduce((a, b) => a + b, 0)).toBe(19);
    expect(flag).toEqual({ name: 'flag', binning: 'value', edges: [0], counts: [15, 5], missing: 0 });
  });
});

describe('referenceDistributionSchema', () => {
  const document = {
    referenceVersion: 1,
    modelId: 'm',
    modelVersion: '1.0.0',
    onnxSha256: 'a'.repeat(64),
    rows: 4,
    method: 'test',
    inputs: [{ name: 'x', binning: 'value', edges: [0], counts: [1, 2], missing: 1 }],
  };

  it('accepts counts that add up to the rows', () => {
    expect(referenceDistributionSchema.parse(document)).toEqual(document);
  });

  it('refuses counts that do not match the edges or the rows', () => {
    const bad = (input: object) => referenceDistributionSchema.safeParse({ ...document, inputs: [input] }).success;
    expect(bad({ ...document.inputs[0], counts: [1, 1, 1] })).toBe(false);
    expect(bad({ ...document.inputs[0], missing: 2 })).toBe(false);
  });
});
