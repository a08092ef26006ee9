/**
 * The waterfall of one prediction as positions on the log-odds axis: where each step starts and ends, with the smallest
 * steps merged.
 */
import { logit } from './scale';

export interface WaterfallContribution {
  name: string;
  label: string;
  value: number | null;
  unit?: string | null;
  /** Computed by the service rather than sent: its value is shown rounded. */
  computed?: boolean;
  /** What a binary input's code stands for ("male"), shown with the code. */
  codeLabel?: string | null;
  /** Log-odds. */
  contribution: number;
}

export interface WaterfallStep {
  key: string;
  label: string;
  /** The feature's value as the row shows it; null for the merged row. */
  value: number | null;
  unit: string | null;
  computed: boolean;
  codeLabel: string | null;
  contribution: number;
  /** Log-odds before and after this step. */
  start: number;
  end: number;
  /** How many features the row stands for: 1, or the number merged into "N other features". */
  features: number;
}

export interface Waterfall {
  baseValue: number;
  steps: WaterfallStep[];
  /** baseValue + Σ contributions: where the last step ends. */
  output: number;
  /** logit(probability): what the output should be. */
  expectedOutput: number;
  /** False when |output − logit(probability)| > tolerance: the chart still shows the computed sum. */
  consistent: boolean;
  /** Smallest and largest log-odds any step reaches (base and output included). */
  extent: [number, number];
}

/**
 * SHAP values sum to the model's raw score exactly (in float64), but the stored probability is onnxruntime's float32 output:
 * measured over 900 random predictions of the three models, |sum − logit(p)| reaches 5.6e-6. 1e-4 log-odds (under 2.5e-5 in
 * probability, far below any displayed digit) leaves room for that rounding and still flags a wrong base value or a missing feature.
 */
export const CONSISTENCY_TOLERANCE = 1e-4;

export const DEFAULT_MAX_STEPS = 12;

export function mergedLabel(count: number): string {
  return `${count} other features`;
}

/**
 * Steps in the given order; with more contributions than maxSteps, the maxSteps − 1 largest by |contribution| keep a row
 * each and the rest share one row (so a sorted input merges its tail, and the merged row always stands for at least 2).
 */
export function waterfallSteps(input: {
  baseValue: number;
  contributions: readonly WaterfallContribution[];
  probability: number;
  maxSteps?: number;
}): Waterfall {
  const { baseValue, contributions, probability } = input;
  const maxSteps = Math.max(1, Math.floor(input.maxSteps ?? DEFAULT_MAX_STEPS));

  let kept: readonly WaterfallContribution[] = contributions;
  let merged: WaterfallContribution[] = [];
  if (contributions.length > maxSteps) {
    const byMagnitude = contributions
      .map((c, i) => ({ i, size: Math.abs(c.contribution) }))
      .sort((a, b) => b.size - a.size || a.i - b.i);
    const keep = new Set(byMagnitude.slice(0, maxSteps - 1).map((e) => e.i));
    kept = contributions.filter((_, i) => keep.has(i));
    merged = contributions.filter((_, i) => !keep.has(i));
  }

  const steps: WaterfallStep[] = [];
  let position = baseValue;
  const push = (step: Omit<WaterfallStep, 'start' | 'end'>) => {
    steps.push({ ...step, start: position, end: position + step.contribution });
    position += step.contribution;
  };
  for (const c of kept) {
    push({
      key: c.name,
      label: c.label,
      value: c.value,
      unit: c.unit ?? null,
      computed: c.computed ?? false,
      codeLabel: c.codeLabel ?? null,
      contribution: c.contribution,
      features: 1,
    });
  }
  if (merged.length > 0) {
    push({
      key: 'other-features',
      label: mergedLabel(merged.length),
      value: null,
      unit: null,
      computed: false,
      codeLabel: null,
      contribution: merged.reduce((sum, c) => sum + c.contribution, 0),
      features: merged.length,
    });
  }

  const expectedOutput = logit(probability);
  const positions = [baseValue, ...steps.map((s) => s.end)];
  return {
    baseValue,
    steps,
    output: position,
    expectedOutput,
    // Written so that NaN (an invalid probability) also counts as inconsistent.
    consistent: Math.abs(position - expectedOutput) <= CONSISTENCY_TOLERANCE,
    extent: [Math.min(...positions), Math.max(...positions)],
  };
}
