import {
  CONSISTENCY_TOLERANCE,
  DEFAULT_MAX_STEPS,
  waterfallSteps,
  type WaterfallContribution,
} from '@/ui/charts/waterfall-steps';

function contribution(name: string, value: number): WaterfallContribution {
  return { name, label: name.toUpperCase(), value: 1, unit: 'u', contribution: value };
}

/** The probability a log-odds value stands for, written out independently of the module under test. */
const probabilityOf = (x: number) => 1 / (1 + Math.exp(-x));

describe('the waterfall of one prediction', () => {
  const base = Math.log(0.3 / 0.7);
  const contributions = [contribution('a', 0.5), contribution('b', -0.2), contribution('c', 0.1)];
  const probability = probabilityOf(base + 0.4);

  it('starts at the base value and moves each step by its contribution, in the given order', () => {
    const w = waterfallSteps({ baseValue: base, contributions, probability });
    expect(w.steps.map((s) => s.key)).toEqual(['a', 'b', 'c']);
    expect(w.steps[0].start).toBe(base);
    expect(w.steps[0].end).toBeCloseTo(base + 0.5, 14);
    expect(w.steps[1].start).toBe(w.steps[0].end);
    expect(w.steps[1].end).toBeCloseTo(base + 0.3, 14);
    expect(w.steps[2].end).toBeCloseTo(base + 0.4, 14);
  });

  it('ends at base + Σ contributions, which is logit(p) for a consistent record', () => {
    const w = waterfallSteps({ baseValue: base, contributions, probability });
    expect(w.output).toBe(w.steps[2].end);
    expect(w.output).toBeCloseTo(Math.log(probability / (1 - probability)), 12);
    expect(w.expectedOutput).toBeCloseTo(Math.log(probability / (1 - probability)), 12);
    expect(w.consistent).toBe(true);
  });

  it('accepts the float32 rounding of a probability from onnxruntime as consistent', () => {
    // The heart-failure record of a 75-year-old (EF 20%, creatinine 1.9): float32 p, float64 SHAP sum, 1.3e-6 apart.
    const w = waterfallSteps({
      baseValue: -0.76,
      contributions: [contribution('x', 2.7777144411957098 + 0.76)],
      probability: 0.9414595365524292,
    });
    expect(Math.abs(w.output - w.expectedOutput)).toBeGreaterThan(1e-6);
    expect(w.consistent).toBe(true);
    expect(waterfallSteps({ baseValue: base, contributions, probability: Math.fround(probability) }).consistent).toBe(
      true,
    );
  });

  it('flags a sum that disagrees with logit(p), and still ends at the computed sum', () => {
    const w = waterfallSteps({ baseValue: base, contributions, probability: 0.5 });
    expect(w.consistent).toBe(false);
    expect(w.output).toBeCloseTo(base + 0.4, 14);
    expect(w.expectedOutput).toBe(0);
    const justOver = waterfallSteps({
      baseValue: 0,
      contributions: [contribution('a', 2 * CONSISTENCY_TOLERANCE)],
      probability: 0.5,
    });
    expect(justOver.consistent).toBe(false);
    expect(waterfallSteps({ baseValue: 0, contributions, probability: NaN }).consistent).toBe(false);
  });

  it('reports the extent of every position reached, base and output included', () => {
    const w = waterfallSteps({
      baseValue: 0,
      contributions: [contribution('a', -1), contribution('b', 3), contribution('c', -0.5)],
      probability: probabilityOf(1.5),
    });
    expect(w.extent).toEqual([-1, 2]);
  });

  it('has no steps without contributions, ending at the base value', () => {
    const w = waterfallSteps({ baseValue: -1.2, contributions: [], probability: probabilityOf(-1.2) });
    expect(w.steps).toEqual([]);
    expect(w.output).toBe(-1.2);
    expect(w.extent).toEqual([-1.2, -1.2]);
    expect(w.consistent).toBe(true);
  });

  it('keeps the value and unit of each feature for the row label', () => {
    const w = waterfallSteps({
      baseValue: 0,
      contributions: [{ name: 'lactate', label: 'Lactate', value: null, contribution: 0.1 }],
      probability: probabilityOf(0.1),
    });
    expect(w.steps[0]).toMatchObject({ label: 'Lactate', value: null, unit: null, features: 1 });
  });
});

describe('merging the smallest contributions', () => {
  // 15 features, sorted by |contribution| descending: 1.5, −1.4, 1.3, … alternating signs.
  const sorted = Array.from({ length: 15 }, (_, i) => contribution(`f${i}`, (i % 2 === 0 ? 1 : -1) * (1.5 - i * 0.1)));
  const total = sorted.reduce((s, c) => s + c.contribution, 0);

  it('shows at most maxSteps rows (12 by default): 11 features and "4 other features"', () => {
    expect(DEFAULT_MAX_STEPS).toBe(12);
    const w = waterfallSteps({ baseValue: -2, contributions: sorted, probability: probabilityOf(-2 + total) });
    expect(w.steps).toHaveLength(12);
    expect(w.steps.slice(0, 11).map((s) => s.key)).toEqual(sorted.slice(0, 11).map((c) => c.name));
    const other = w.steps[11];
    expect(other.label).toBe('4 other features');
    expect(other.features).toBe(4);
    expect(other.value).toBeNull();
    // f11..f14: −0.4, +0.3, −0.2, +0.1
    expect(other.contribution).toBeCloseTo(-0.2, 14);
    expect(other.end).toBeCloseTo(-2 + total, 12);
    expect(w.output).toBeCloseTo(-2 + total, 12);
    expect(w.consistent).toBe(true);
  });

  it('merges nothing when the features fit, and never merges a single feature', () => {
    expect(waterfallSteps({ baseValue: 0, contributions: sorted.slice(0, 12), probability: 0.5 }).steps).toHaveLength(
      12,
    );
    const thirteen = waterfallSteps({ baseValue: 0, contributions: sorted.slice(0, 13), probability: 0.5 });
    expect(thirteen.steps).toHaveLength(12);
    expect(thirteen.steps[11].label).toBe('2 other features');
  });

  it('honours a smaller maxSteps', () => {
    const w = waterfallSteps({ baseValue: 0, contributions: sorted, probability: 0.5, maxSteps: 4 });
    expect(w.steps.map((s) => s.label)).toEqual(['F0', 'F1', 'F2', '12 other features']);
    expect(
      waterfallSteps({ baseValue: 0, contributions: sorted, probability: 0.5, maxSteps: 1 }).steps.map((s) => s.label),
    ).toEqual(['15 other features']);
  });

  it('keeps the largest by |contribution| when the input is not sorted, in the given order', () => {
    const shuffled = [
      contribution('small', 0.01),
      contribution('big', -2),
      contribution('tiny', 0.001),
      contribution('mid', 0.5),
    ];
    const w = waterfallSteps({ baseValue: 0, contributions: shuffled, probability: 0.5, maxSteps: 3 });
    expect(w.steps.map((s) => s.key)).toEqual(['big', 'mid', 'other-features']);
    expect(w.steps[2].contribution).toBeCloseTo(0.011, 14);
  });
});
