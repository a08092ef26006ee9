/** Specification of the PSI: a hand-computed example, an independent formulation, the epsilon, the bands and drift. */
import fc from 'fast-check';
import {
  inputDrift,
  populationStabilityIndex,
  PSI_EPSILON,
  psiBand,
  vectorDrift,
} from '@/features/population-stability';
import type { ReferenceDistribution } from '@/features/reference-distribution';

/**
 * An independent reference: PSI is the symmetrised Kullback–Leibler divergence, KL(a‖e) + KL(e‖a), written as two sums
 * over shares (epsilon applied the same way).
 */
function symmetricKl(expected: number[], actual: number[], epsilon = PSI_EPSILON): number {
  const shares = (counts: number[]) => {
    const total = counts.reduce((a, b) => a + b, 0);
    return counts.map((c) => Math.max(c / total, epsilon));
  };
  const e = shares(expected);
  const a = shares(actual);
  const kl = (p: number[], q: number[]) => p.reduce((sum, pi, i) => sum + pi * Math.log(pi / q[i]), 0);
  return kl(a, e) + kl(e, a);
}

describe('populationStabilityIndex', () => {
  it('matches a hand computation: shares 0.5/0.3/0.2 against 0.3/0.3/0.4', () => {
    // (0.3 − 0.5)·ln(0.3/0.5) + 0 + (0.4 − 0.2)·ln(0.4/0.2) = 0.2·0.5108256 + 0.2·0.6931472 = 0.2407946
    expect(populationStabilityIndex([50, 30, 20], [3, 3, 4])).toBeCloseTo(0.2407946, 7);
  });

  it('reads an empty bin as a share of 1e-4: one emptied half gives 0.5·ln 2 + 0.4999·ln(0.5/1e-4)', () => {
    const expected = 0.5 * Math.log(2) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4); // 4.6043
    expect(PSI_EPSILON).toBe(1e-4);
    expect(populationStabilityIndex([1, 1], [10, 0])).toBeCloseTo(expected, 10);
    expect(populationStabilityIndex([1, 1], [10, 0])).toBeCloseTo(4.604319, 5);
  });

  it('equals the symmetrised Kullback–Leibler divergence on any counts', () => {
    const counts = (n: number) => fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(counts(n), counts(n))),
        ([expected, actual]) => {
          fc.pre(expected.some((c) => c > 0) && actual.some((c) => c > 0));
          const psi = populationStabilityIndex(expected, actual);
          expect(psi).toBeCloseTo(symmetricKl(expected, actual), 9);
          expect(psi).toBeGreaterThanOrEqual(-1e-12);
        },
      ),
    );
  });

  it('is 0 for the same shares, whatever the totals, and symmetric in its two sides', () => {
    expect(populationStabilityIndex([10, 20, 30], [100, 200, 300])).toBeCloseTo(0, 12);
    expect(populationStabilityIndex([5, 1, 9], [2, 7, 3])).toBeCloseTo(
      populationStabilityIndex([2, 7, 3], [5, 1, 9]),
      12,
    );
  });

  it('refuses bins that do not line up, or a side with no counts', () => {
    expect(() => populationStabilityIndex([1, 2], [1, 2, 3])).toThrow(RangeError);
    expect(() => populationStabilityIndex([0, 0], [1, 2])).toThrow(RangeError);
  });
});

describe('psiBand', () => {
  it('reads < 0.1 as stable, 0.1–0.25 as watch, > 0.25 as shift', () => {
    expect([0, 0.0999, 0.1, 0.25, 0.2501, 3].map(psiBand)).toEqual([
      'stable',
      'stable',
      'watch',
      'watch',
      'shift',
      'shift',
    ]);
  });
});

describe('inputDrift and vectorDrift', () => {
  const reference: ReferenceDistribution = {
    referenceVersion: 1,
    modelId: 'm',
    modelVersion: '1.0.0',
    onnxSha256: 'a'.repeat(64),
    rows: 100,
    method: 'test',
    inputs: [
      // Bins ≤ 10, (10, 20], > 20: 40/30/20, 10 missing.
      { name: 'hr', binning: 'decile', edges: [10, 20], counts: [40, 30, 20], missing: 10 },
      { name: 'flag', binning: 'value', edges: [0], counts: [50, 50], missing: 0 },
    ],
  };

  it('counts the sample in the training bins with the missing bin beside them', () => {
    // Sample: 2 in the first bin, 4 in the second, 2 in the third, 2 missing.
    const sample = [5, 6, 15, 15, 15, 15, 25, 25, null, null];
    const drift = inputDrift(reference.inputs[0], sample);
    expect(drift.psi).toBeCloseTo(populationStabilityIndex([40, 30, 20, 10], [2, 4, 2, 2]), 12);
    expect(drift).toMatchObject({ name: 'hr', missingShare: 0.2, trainingMissingShare: 0.1 });
  });

  it('finds a moved input and leaves the steady one stable, highest PSI first', () => {
    const vectors: (number | null)[][] = [];
    for (let i = 0; i < 100; i++) vectors.push([i < 80 ? 25 : 5, i % 2]);
    const [moved, steady] = vectorDrift(reference, vectors);
    expect(moved).toMatchObject({ name: 'hr', band: 'shift' });
    expect(steady).toMatchObject({ name: 'flag', band: 'stable', psi: 0 });
  });

  it('refuses a vector of another length (another version of the model)', () => {
    expect(() => vectorDrift(reference, [[1]])).toThrow(RangeError);
  });
});
