import type { Dataset } from '@/training/dataset';
import { groupByPatient, normalizedUtility } from '@/training/evaluation/sepsis-utility';
import { pairedUtilityDifference } from '@/training/experiments/sepsis-trends';

/** 40 patients of 20 hours; every fourth is septic, labelled from hour 12. */
function cohort(): Dataset {
  const patients = 40;
  const hours = 20;
  const y = new Uint8Array(patients * hours);
  const groups = new Int32Array(patients * hours);
  for (let p = 0; p < patients; p++) {
    for (let h = 0; h < hours; h++) {
      y[p * hours + h] = p % 4 === 0 && h >= 12 ? 1 : 0;
      groups[p * hours + h] = p;
    }
  }
  return { featureNames: [], x: new Float32Array(0), y, groups };
}

const utility = (data: Dataset, p: Float64Array, threshold: number) =>
  normalizedUtility(
    groupByPatient(
      data.groups!,
      data.y,
      Float64Array.from(p, (q) => (q >= threshold ? 1 : 0)),
    ),
  ).normalized;

describe('pairedUtilityDifference', () => {
  const data = cohort();
  // A good scorer (rises in septic patients from hour 6) and a noisy one.
  const good = Float64Array.from(data.y, (_, r) => (data.groups![r] % 4 === 0 && r % 20 >= 6 ? 0.9 : 0.1));
  const noisy = Float64Array.from(good, (q, r) => (r % 7 === 0 ? 1 - q : q));

  it('is the difference of the two normalized utilities, with an interval around it', () => {
    const d = pairedUtilityDifference(data, { p: good, threshold: 0.5 }, { p: noisy, threshold: 0.5 }, 500, 3);
    expect(d.estimate).toBeCloseTo(utility(data, good, 0.5) - utility(data, noisy, 0.5), 12);
    expect(d.estimate).toBeGreaterThan(0);
    expect(d.lower).toBeLessThanOrEqual(d.estimate);
    expect(d.upper).toBeGreaterThanOrEqual(d.estimate);
  });

  it('is exactly 0 in every replicate for the same predictions', () => {
    expect(pairedUtilityDifference(data, { p: good, threshold: 0.5 }, { p: good, threshold: 0.5 }, 200, 1)).toEqual({
      estimate: 0,
      lower: 0,
      upper: 0,
    });
  });
});
