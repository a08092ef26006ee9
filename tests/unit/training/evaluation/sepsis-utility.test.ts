/** Specification of the PhysioNet/CinC 2019 utility score: per-patient values worked by hand from the script. */
import fc from 'fast-check';
import { MetricInputError } from '@/training/evaluation/metric-input';
import {
  UTILITY_THRESHOLD_GRID,
  bestUtilityThreshold,
  groupByPatient,
  normalizedUtility,
  patientAlarmSummary,
} from '@/training/evaluation/sepsis-utility';

/*
 * The script's reward lines (t_sepsis = first labelled hour + 6, d = t − t_sepsis):
 *   alarm, septic,   d <= −6:      max(d/6 + 2, −0.05)       (0 at d = −12, 1 at d = −6)
 *   alarm, septic,   −6 < d <= 3:  −d/9 + 1/3 = (3 − d)/9    (1 at d = −6, 0 at d = 3)
 *   quiet, septic,   d <= −6:      0
 *   quiet, septic,   −6 < d <= 3:  −2d/9 − 4/3 = −2(d + 6)/9 (0 at d = −6, −2 at d = 3)
 *   non-septic: alarm −0.05, quiet 0;  any patient, d > 3: 0.
 */

/** Labels of a `hours`-long stay whose SepsisLabel turns 1 at `firstLabelled` (none if undefined). */
function labels(hours: number, firstLabelled?: number): number[] {
  return Array.from({ length: hours }, (_, t) => (firstLabelled !== undefined && t >= firstLabelled ? 1 : 0));
}

/** Predictions that alarm exactly at the hours listed. */
function alarmsAt(hours: number, alarmHours: Iterable<number>): number[] {
  const out = new Array<number>(hours).fill(0);
  for (const t of alarmHours) out[t] = 1;
  return out;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

function observed(labelsOf: number[], predictions: number[]): number {
  return normalizedUtility([{ labels: labelsOf, predictions }]).observed;
}

// Septic stay of 20 h, labelled from hour 8: t_sepsis = 14, scored window d ∈ [−12, 3] = hours 2..17.
const SEPTIC = labels(20, 8);

describe('per-patient utility (compute_prediction_utility)', () => {
  it("reproduces the script's docstring example", () => {
    // labels [0,0,0,0,1,1] → t_sepsis = 10; alarms at hours 2..5 (d = −8, −7, −6, −5):
    // 4/6 + 5/6 + 1 + 8/9 = 3.3888…, printed by the script as 3.388888888888889.
    expect(observed([0, 0, 0, 0, 1, 1], [0, 0, 1, 1, 1, 1])).toBe(3.388888888888889);
  });

  it('non-septic: −0.05 per alarm hour', () => {
    expect(observed(labels(10), alarmsAt(10, [1, 2, 7]))).toBeCloseTo(-0.15, 14);
    expect(observed(labels(10), alarmsAt(10, []))).toBe(0);
  });

  it('septic, never alarmed: the missed-sepsis penalty over d = −5..3', () => {
    // −2(d + 6)/9 for d + 6 = 1..9: −2 · 45/9 = −10.
    expect(observed(SEPTIC, alarmsAt(20, []))).toBeCloseTo(-10, 13);
  });

  it('septic, alarmed too early: −0.05 before d = −12, 0 at d = −12, then still missed', () => {
    // Hours 0, 1, 2 → d = −14, −13, −12: max(−1/3, −0.05) + max(−1/6, −0.05) + 0 = −0.1; quiet afterwards: −10.
    expect(observed(SEPTIC, alarmsAt(20, [0, 1, 2]))).toBeCloseTo(-10.1, 13);
  });

  it('septic, alarmed on the optimal window: 7.5', () => {
    // d = −12..−6: (0 + 1 + … + 6)/6 = 3.5;  d = −5..3: (8 + 7 + … + 0)/9 = 4.  Total 7.5.
    expect(observed(SEPTIC, alarmsAt(20, range(2, 17)))).toBeCloseTo(7.5, 13);
    // A single alarm at d = −6 earns 1 but the hours after it are missed: 1 − 10 = −9.
    expect(observed(SEPTIC, alarmsAt(20, [8]))).toBeCloseTo(-9, 13);
  });

  it('septic, alarmed late (from d = +1): missed hours then a small reward, nothing after d = 3', () => {
    // Quiet d = −5..0: −2(1 + … + 6)/9 = −42/9;  alarms d = 1, 2, 3: (2 + 1 + 0)/9 = 3/9;  d = 4, 5: 0.
    expect(observed(SEPTIC, alarmsAt(20, range(15, 19)))).toBeCloseTo(-39 / 9, 13);
  });

  it('labelled from the first row: onset at hour 6', () => {
    // 12 h, all alarms: hour 0 (d = −6) → 1; hours 1..9 (d = −5..3) → 36/9 = 4; hours 10, 11 → 0.  Total 5.
    const twelve = labels(12, 0);
    const score = normalizedUtility([{ labels: twelve, predictions: alarmsAt(12, range(0, 11)) }]);
    expect(score.observed).toBeCloseTo(5, 13);
    // Best alarms on [max(0, 6 − 12), min(6 + 4, 12)) = hours 0..9, also 5; inaction −10.
    expect(score.best).toBeCloseTo(5, 13);
    expect(score.inaction).toBeCloseTo(-10, 13);
    expect(score.normalized).toBeCloseTo(1, 13);
    // A 5 h stay ends before onset: inaction = −2(1 + 2 + 3 + 4)/9 = −20/9, best = 1 + (8 + 7 + 6 + 5)/9 = 35/9.
    const short = normalizedUtility([{ labels: labels(5, 0), predictions: alarmsAt(5, []) }]);
    expect(short.inaction).toBeCloseTo(-20 / 9, 14);
    expect(short.best).toBeCloseTo(35 / 9, 14);
  });

  it("sums hours like numpy's np.sum (pairwise), not left to right", () => {
    // Non-septic, alarms every hour. Values printed by numpy 2.4 for np.sum(np.full(n, -0.05)):
    // n = 200 → -10.0 (a left-to-right sum gives -10.000000000000007); n = 300 → -14.999999999999998.
    expect(observed(labels(200), alarmsAt(200, range(0, 199)))).toBe(-10);
    expect(observed(labels(300), alarmsAt(300, range(0, 299)))).toBe(-14.999999999999998);
  });
});

describe('normalizedUtility', () => {
  it('normalizes a small cohort', () => {
    // Septic late (−13/3) and non-septic with 3 alarms (−0.15): observed −13/3 − 0.15; best 7.5 + 0; inaction −10 + 0.
    // normalized = (−13/3 − 0.15 + 10) / (7.5 + 10) = (17/3 − 0.15)/17.5 ≈ 0.315238.
    const score = normalizedUtility([
      { labels: SEPTIC, predictions: alarmsAt(20, range(15, 19)) },
      { labels: labels(10), predictions: alarmsAt(10, [1, 2, 7]) },
    ]);
    expect(score.observed).toBeCloseTo(-13 / 3 - 0.15, 13);
    expect(score.best).toBeCloseTo(7.5, 13);
    expect(score.inaction).toBeCloseTo(-10, 13);
    expect(score.normalized).toBeCloseTo((17 / 3 - 0.15) / 17.5, 13);
  });

  const cohort = fc.array(
    fc.record({
      hours: fc.integer({ min: 1, max: 60 }),
      onset: fc.option(fc.double({ min: 0, max: 0.9999, noNaN: true })),
      noise: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
    }),
    { minLength: 1, maxLength: 20 },
  );

  it('is exactly 1 for the optimal alarms and exactly 0 for none', () => {
    fc.assert(
      fc.property(cohort, (stays) => {
        const patients = stays.map(({ hours, onset }) => ({
          labels: labels(hours, onset === null ? undefined : Math.floor(onset * hours)),
          hours,
          onset,
        }));
        fc.pre(patients.some((s) => s.labels.includes(1)));
        const optimal = patients.map(({ labels: ls, hours }) => {
          const first = ls.indexOf(1);
          const tSepsis = first + 6;
          const window = first < 0 ? [] : range(Math.max(0, tSepsis - 12), Math.min(tSepsis + 3, hours - 1));
          return { labels: ls, predictions: alarmsAt(hours, window) };
        });
        expect(normalizedUtility(optimal).normalized).toBe(1);
        const silent = patients.map(({ labels: ls, hours }) => ({ labels: ls, predictions: alarmsAt(hours, []) }));
        expect(normalizedUtility(silent).normalized).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('never exceeds 1', () => {
    fc.assert(
      fc.property(cohort, (stays) => {
        const patients = stays.map(({ hours, onset, noise }) => ({
          labels: labels(hours, onset === null ? undefined : Math.floor(onset * hours)),
          predictions: noise.slice(0, hours).map((b) => (b ? 1 : 0)),
        }));
        fc.pre(patients.some((s) => s.labels.includes(1)));
        expect(normalizedUtility(patients).normalized).toBeLessThanOrEqual(1 + 1e-12);
      }),
      { numRuns: 200 },
    );
  });

  it('is NaN without septic patients, as the script divides 0 by 0', () => {
    expect(normalizedUtility([{ labels: labels(3), predictions: alarmsAt(3, []) }]).normalized).toBeNaN();
  });

  it("raises where the script's check_errors does", () => {
    expect(() => normalizedUtility([{ labels: [0, 2], predictions: [0, 0] }])).toThrow(MetricInputError);
    expect(() => normalizedUtility([{ labels: [0, 1], predictions: [0, 0.5] }])).toThrow(/predictions must be 0 or 1/);
    expect(() => normalizedUtility([{ labels: [0, 1], predictions: [0] }])).toThrow(/same length/);
  });
});

describe('groupByPatient', () => {
  it('splits contiguous runs of group ids', () => {
    const patients = groupByPatient(
      Int32Array.from([5, 5, 5, 2, 2, 9]),
      [0, 0, 1, 0, 0, 0],
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    );
    expect(patients.map((x) => x.group)).toEqual([5, 2, 9]);
    expect(patients.map((x) => Array.from(x.labels))).toEqual([[0, 0, 1], [0, 0], [0]]);
    expect(patients.map((x) => Array.from(x.predictions))).toEqual([[0.1, 0.2, 0.3], [0.4, 0.5], [0.6]]);
  });

  it('rejects a patient whose rows are not contiguous', () => {
    expect(() => groupByPatient(Int32Array.from([1, 1, 2, 1]), [0, 0, 0, 0], [0, 0, 0, 0])).toThrow(/contiguous/);
  });
});

describe('patientAlarmSummary', () => {
  it('reports patient-level alarm behaviour', () => {
    // A: septic (t_sepsis 14), alarms at hour 0 and 15..19 → alarmed, in window [2, 17] (hour 15), lead 14 − 0 = 14.
    // B: septic, alarm at hour 19 only → alarmed, outside the window, lead 14 − 19 = −5.
    // C: septic, never alarmed.  D: non-septic, 48 h, 3 alarm hours.  E: non-septic, 24 h, none.
    // Septic 3: any 2/3, window 1/3, median lead of [14, −5] = 4.5.  Non-septic: any 1/2, 3 alarm hours / 3 days = 1.
    const summary = patientAlarmSummary([
      { labels: SEPTIC, predictions: alarmsAt(20, [0, ...range(15, 19)]) },
      { labels: SEPTIC, predictions: alarmsAt(20, [19]) },
      { labels: SEPTIC, predictions: alarmsAt(20, []) },
      { labels: labels(48), predictions: alarmsAt(48, [3, 4, 40]) },
      { labels: labels(24), predictions: alarmsAt(24, []) },
    ]);
    expect(summary).toEqual({
      septicPatients: 3,
      nonSepticPatients: 2,
      septicAlarmedAnyTime: 2 / 3,
      septicAlarmedInWindow: 1 / 3,
      medianLeadHours: 4.5,
      nonSepticAlarmedAnyTime: 0.5,
      falseAlarmHoursPerPatientDay: 1,
    });
  });

  it('reports null for undefined fractions', () => {
    expect(patientAlarmSummary([{ labels: labels(5), predictions: alarmsAt(5, []) }])).toMatchObject({
      septicAlarmedAnyTime: null,
      septicAlarmedInWindow: null,
      medianLeadHours: null,
      nonSepticAlarmedAnyTime: 0,
      falseAlarmHoursPerPatientDay: 0,
    });
  });
});

describe('bestUtilityThreshold', () => {
  // Patient 7: septic 20 h (t_sepsis 14), probability 0.6 on the optimal hours 2..17, 0.3 elsewhere.
  // Patient 3: non-septic 10 h at probability 0.4.
  const groups = Int32Array.from([...new Array<number>(20).fill(7), ...new Array<number>(10).fill(3)]);
  const y = [...SEPTIC, ...labels(10)];
  const p = [...range(0, 19).map((t) => (t >= 2 && t <= 17 ? 0.6 : 0.3)), ...new Array<number>(10).fill(0.4)];

  it('picks the candidate with the highest normalized utility, ties to the smallest', () => {
    // 0.2: everything alarms: patient 7 → −0.1 + 7.5 + 0 = 7.4, patient 3 → −0.5; (6.9 + 10)/17.5 = 16.9/17.5.
    // 0.5 and 0.55: exactly the optimal hours, no false alarm → 1.   0.8: nothing → 0.
    const choice = bestUtilityThreshold(groups, y, p, [0.8, 0.55, 0.2, 0.5]);
    expect(choice.threshold).toBe(0.5);
    expect(choice.normalized).toBe(1);
    expect(choice.curve.map((c) => c.threshold)).toEqual([0.8, 0.55, 0.2, 0.5]);
    expect(choice.curve[0].normalized).toBe(0);
    expect(choice.curve[2].normalized).toBeCloseTo(16.9 / 17.5, 13);
  });

  it('scores each candidate exactly as normalizedUtility on the binarised predictions', () => {
    const noisy = p.map((v, i) => Math.abs(Math.sin(i * 12.9898 + v)));
    const choice = bestUtilityThreshold(groups, y, noisy);
    expect(choice.curve).toHaveLength(99);
    for (const { threshold, normalized } of choice.curve) {
      const patients = groupByPatient(groups, y, noisy).map(({ labels: ls, predictions }) => ({
        labels: ls,
        predictions: Array.from(predictions, (v) => (v >= threshold ? 1 : 0)),
      }));
      expect(normalized).toBe(normalizedUtility(patients).normalized);
    }
  });

  it('defaults to the grid 0.01 … 0.99', () => {
    expect(UTILITY_THRESHOLD_GRID).toHaveLength(99);
    expect(UTILITY_THRESHOLD_GRID[0]).toBe(0.01);
    expect(UTILITY_THRESHOLD_GRID[29]).toBe(0.3);
    expect(UTILITY_THRESHOLD_GRID[98]).toBe(0.99);
  });
});
