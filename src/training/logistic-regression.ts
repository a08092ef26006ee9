/**
 * The baseline model: L2-penalised logistic regression on standardised features with missing-value indicators, fitted
 * by Newton–Raphson.
 */
import { type Dataset, featureCount, rowCount } from './dataset';
import {
  BLOCK,
  blockLogits,
  compileDesign,
  fillBlock,
  identitySource,
  learnPreprocessing,
  type DesignColumn,
  type Preprocessing,
} from './logistic-design';
import { choleskySolve, penalisedObjective, sigmoid } from './logistic-objective';

/** One input feature as the model card shows it. All effects are in log-odds. */
export interface LogisticCoefficient {
  name: string;
  /** Training mean and SD of the non-missing values (SD over n, not n − 1); the SD is 0 for a dropped feature. */
  mean: number;
  sd: number;
  /** Log-odds change per training SD (the weight the penalty acts on); 0 when the feature was dropped. */
  perSd: number;
  /** Log-odds change per unit of the feature: perSd / sd. */
  perUnit: number;
  /** Log-odds shift of a missing value over a value at the training mean; null when there is no indicator. */
  missing: number | null;
}

export interface LogisticModel {
  /** The input features, in the order rows must supply them. */
  featureNames: string[];
  /** Per input feature, training statistics of the non-missing values (NaN when missing throughout). */
  means: number[];
  sds: number[];
  columns: DesignColumn[];
  /** Log-odds at the training means with nothing missing (the standardised-scale intercept). */
  intercept: number;
  /** One weight per design column. */
  weights: number[];
  /** The same model on the original scale, for the card. For a row with nothing missing
   *  logit = interceptOriginal + Σ perUnit·x; a missing feature counts as its mean plus its `missing` shift. */
  interceptOriginal: number;
  coefficients: LogisticCoefficient[];
  l2: number;
  iterations: number;
  converged: boolean;
  /** Largest component of the objective's gradient at the solution, divided by the row count. */
  gradientMaxAbs: number;
}

export interface LogisticOptions {
  /**
   * Penalty λ in  Σ log-loss + λ/2 · ||w||²  (summed over rows, weights on the standardised scale,
   * intercept unpenalised); λ = 1/C in scikit-learn's terms. λ = 0 is allowed but fails on
   * separable or collinear data.
   */
  l2: number;
  maxIterations?: number;
  /** Stop when every gradient component, divided by the row count, is below this. */
  tolerance?: number;
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/**
 * Fits the model by Newton–Raphson (IRLS) with a backtracking (Armijo) line search, which keeps the
 * strictly convex objective decreasing even where a full Newton step overshoots.
 */
export function fitLogisticRegression(data: Dataset, options: LogisticOptions): LogisticModel {
  const { l2, maxIterations = 100, tolerance = 1e-8 } = options;
  if (!(l2 >= 0)) throw new RangeError(`l2 must be >= 0, got ${l2}`);
  const n = rowCount(data);
  let positives = 0;
  for (let r = 0; r < n; r++) if (data.y[r] !== 0) positives++;
  if (positives === 0 || positives === n) {
    throw new RangeError(`logistic regression needs both classes; got ${positives} positive of ${n} rows`);
  }

  const prep = learnPreprocessing(data);
  const design = compileDesign(prep, identitySource(featureCount(data)));
  const p = prep.columns.length + 1;
  let beta = new Float64Array(p);
  // Starting at the prevalence's logit makes the first step small when the features say little.
  beta[0] = Math.log(positives / (n - positives));
  let current = penalisedObjective(data, design, beta, l2);
  let iterations = 0;
  let converged = maxAbs(current.gradient) / n < tolerance;

  while (!converged && iterations < maxIterations) {
    const step = choleskySolve(current.hessian, current.gradient);
    let slope = 0;
    for (let a = 0; a < p; a++) slope -= current.gradient[a] * step[a];
    // Near the optimum the loss (a sum over all rows) changes by less than its rounding error;
    // the allowance lets the Newton step through there instead of halving it into nothing.
    const roundingAllowance = 1e-12 * Math.abs(current.loss);
    let t = 1;
    let accepted = false;
    while (t > 1e-10) {
      const candidate = beta.map((b, a) => b - t * step[a]);
      const next = penalisedObjective(data, design, candidate, l2);
      if (next.loss <= current.loss + 1e-4 * t * slope + roundingAllowance) {
        beta = candidate;
        current = next;
        accepted = true;
        break;
      }
      t /= 2;
    }
    iterations++;
    converged = maxAbs(current.gradient) / n < tolerance;
    if (!accepted) break;
  }

  return buildModel(data.featureNames, prep, beta, {
    l2,
    iterations,
    converged,
    gradientMaxAbs: maxAbs(current.gradient) / n,
  });
}

function buildModel(
  featureNames: string[],
  prep: Preprocessing,
  beta: Float64Array,
  fit: Pick<LogisticModel, 'l2' | 'iterations' | 'converged' | 'gradientMaxAbs'>,
): LogisticModel {
  const weights = Array.from(beta.subarray(1));
  const coefficients: LogisticCoefficient[] = featureNames.map((name, j) => ({
    name,
    mean: prep.means[j],
    sd: prep.sds[j],
    perSd: 0,
    perUnit: 0,
    missing: null,
  }));
  prep.columns.forEach((column, c) => {
    const coefficient = coefficients[column.feature];
    if (column.kind === 'value') {
      coefficient.perSd = weights[c];
      coefficient.perUnit = weights[c] / prep.sds[column.feature];
    } else {
      coefficient.missing = weights[c];
    }
  });
  let interceptOriginal = beta[0];
  for (const c of coefficients) if (c.perUnit !== 0) interceptOriginal -= c.perUnit * c.mean;
  return {
    featureNames,
    means: prep.means,
    sds: prep.sds,
    columns: prep.columns,
    intercept: beta[0],
    weights,
    interceptOriginal,
    coefficients,
    ...fit,
  };
}

/** Log-odds for each row; see `predictProbability` for the accepted inputs. */
export function predictLogit(model: LogisticModel, input: Dataset | ArrayLike<number>): Float64Array {
  const f = model.featureNames.length;
  let x: Float32Array | Float64Array;
  let width: number;
  let rows: number;
  let source: Int32Array;
  if (isDataset(input)) {
    // Matched by name, so a dataset with extra or reordered columns still scores correctly.
    const position = new Map(input.featureNames.map((name, i) => [name, i]));
    source = Int32Array.from(model.featureNames, (name) => {
      const i = position.get(name);
      if (i === undefined)
        throw new RangeError(`the data lacks feature "${name}"; the model needs ${model.featureNames.join(', ')}`);
      return i;
    });
    x = input.x;
    width = input.featureNames.length;
    rows = rowCount(input);
  } else {
    if (f > 0 && input.length % f !== 0) {
      throw new RangeError(
        `rows must hold a multiple of ${f} values (${model.featureNames.join(', ')}), got ${input.length}`,
      );
    }
    source = identitySource(f);
    // Plain arrays are copied so the hot loop only ever sees typed arrays (V8 keeps it monomorphic-ish).
    x = input instanceof Float32Array || input instanceof Float64Array ? input : Float64Array.from(input);
    width = f;
    rows = f === 0 ? 0 : input.length / f;
  }
  const design = compileDesign(model, source);
  const beta = Float64Array.of(model.intercept, ...model.weights);
  const block = new Float64Array(beta.length * BLOCK);
  const eta = new Float64Array(BLOCK);
  const out = new Float64Array(rows);
  for (let start = 0; start < rows; start += BLOCK) {
    const size = Math.min(BLOCK, rows - start);
    fillBlock(design, x, width, start, size, block);
    blockLogits(beta, block, eta);
    out.set(eta.subarray(0, size), start);
  }
  return out;
}

/**
 * Probability of the positive class for each row. `input` is a dataset (features matched by name)
 * or raw rows, row-major in `model.featureNames` order with NaN for missing. A feature missing at
 * prediction time is imputed with its training mean, plus its indicator's shift when it has one.
 */
export function predictProbability(model: LogisticModel, input: Dataset | ArrayLike<number>): Float64Array {
  return predictLogit(model, input).map(sigmoid);
}

function isDataset(input: Dataset | ArrayLike<number>): input is Dataset {
  return 'featureNames' in input;
}
