/** What every classification metric accepts (0/1 labels, finite scores) and the error it throws otherwise. */
import { CodedError } from '@/errors/coded-error';

/*
 * Conventions shared by every classification metric (ranking, calibration, threshold, bootstrap modules):
 * - `y` holds labels 0 or 1 and `p` finite scores (probabilities where the metric needs them); anything else
 *   throws MetricInputError, because a silently coerced label corrupts every number downstream.
 * - A scalar metric that is undefined on the data (AUROC without both classes, average precision without
 *   positives, Brier score of nothing) returns NaN rather than a made-up value.
 * - Ties in scores never depend on row order: every sweep moves across whole blocks of equal scores.
 */

export type Metric = (y: ArrayLike<number>, p: ArrayLike<number>) => number;

/** Labels, scores or options that the metrics cannot be computed on. */
export class MetricInputError extends CodedError {
  readonly code = 'METRIC_INPUT';
}

function checkLabels(y: ArrayLike<number>): void {
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new MetricInputError(`label at row ${i} is ${y[i]}; labels must be 0 or 1`);
    }
  }
}

export function checkInputs(y: ArrayLike<number>, p: ArrayLike<number>): void {
  if (y.length !== p.length) {
    throw new MetricInputError(`${y.length} labels but ${p.length} scores; they must be the same length`);
  }
  checkLabels(y);
  for (let i = 0; i < p.length; i++) {
    if (!Number.isFinite(p[i])) {
      throw new MetricInputError(`score at row ${i} is ${p[i]}; scores must be finite numbers`);
    }
  }
}

export function checkProbabilities(p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    if (!(p[i] >= 0 && p[i] <= 1)) {
      throw new MetricInputError(`probability at row ${i} is ${p[i]}; probabilities must lie in [0, 1]`);
    }
  }
}

export function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new MetricInputError(`level is ${level}; it must lie strictly between 0 and 1`);
}
