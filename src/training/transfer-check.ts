/**
 * Transfer check: train on one unit of the data (e.g. set A's medical ICU) and test on another (its surgical ICU),
 * each direction, with every choice (hyper-parameters, early stopping, threshold) made inside the training unit.
 */
import { subset, type Dataset } from './dataset';
import { groupByPatient, normalizedUtility } from './evaluation/sepsis-utility';
import { auroc } from './evaluation/ranking-metrics';
import { outerSplits } from './evaluation/out-of-fold';
import { fitGradientBoosting, predictProbabilities } from './gbdt/gradient-boosting';
import { innerSplits, selectGbdtParams, type GbdtSearch } from './model-selection';

/** Which unit each row belongs to: `ofRow[r]` indexes `names`, −1 for rows in none (left out of the check). */
export interface TransferUnits {
  names: string[];
  ofRow: Int8Array;
}

export interface TransferDesign {
  search: GbdtSearch;
  seed: number;
  /** The decision threshold from predictions on rows of the training unit (its out-of-fold or inner hold-out rows). */
  threshold: (rows: Dataset, probabilities: Float64Array) => number;
  /**
   * Where the threshold comes from: `k` > 1, the pooled out-of-fold predictions of a grouped k-fold CV inside the
   * training unit (the same search in each fold); absent, the inner hold-out of the training unit's own fit (cheaper,
   * noisier: a fifth of one unit).
   */
  thresholdFolds?: number;
  /** Score the challenge utility at the threshold (hourly sepsis rows, grouped by patient in hour order). */
  utility: boolean;
  onProgress?: (message: string) => void;
}

export interface TransferResult {
  train: string;
  test: string;
  /** Where the threshold was chosen, inside the training unit. */
  thresholdFrom: string;
  /** Trees and depth of the model tested. */
  rounds: number;
  maxDepth: number;
  trainRows: number;
  trainPatients: number;
  /** Test rows, patients and patients with any positive row. */
  rows: number;
  patients: number;
  positivePatients: number;
  auroc: number;
  threshold: number;
  /** Normalized challenge utility on the test unit at the training unit's threshold (when the design asks). */
  utility?: number;
}

function rowsOf(units: TransferUnits, unit: number): Int32Array {
  const rows: number[] = [];
  for (let r = 0; r < units.ofRow.length; r++) if (units.ofRow[r] === unit) rows.push(r);
  return Int32Array.from(rows);
}

function distinctGroups(data: Dataset): number {
  return data.groups ? new Set(data.groups).size : data.y.length;
}

function positiveGroups(data: Dataset): number {
  if (!data.groups) return data.y.reduce((a, b) => a + b, 0);
  const positive = new Set<number>();
  data.y.forEach((label, r) => label === 1 && positive.add(data.groups![r]));
  return positive.size;
}

/** Every ordered pair of distinct units, in `names` order: A→B, B→A for two units. */
export function transferCheck(data: Dataset, units: TransferUnits, design: TransferDesign): TransferResult[] {
  if (units.ofRow.length !== data.y.length) {
    throw new RangeError(`transfer units cover ${units.ofRow.length} rows, the data has ${data.y.length}`);
  }
  const results: TransferResult[] = [];
  units.names.forEach((trainName, a) => {
    const train = subset(data, rowsOf(units, a));
    if (train.y.length === 0) throw new RangeError(`transfer check: no rows in unit ${trainName}`);
    design.onProgress?.(`transfer check: fitting on ${trainName} (${train.y.length} rows)`);
    // With one inner hold-out, the early-stopped model fitted during selection is the model (as in the grouped CV).
    const fit = (rows: Dataset, seed: number) => {
      const selection = selectGbdtParams(rows, design.search, seed);
      const ensemble = selection.holdoutFit ?? fitGradientBoosting(rows, { ...selection.params, seed }).ensemble;
      return { selection, ensemble };
    };
    const { selection, ensemble: model } = fit(train, design.seed);
    let threshold: number;
    let thresholdFrom: string;
    if (design.thresholdFolds && design.thresholdFolds > 1) {
      const k = design.thresholdFolds;
      const oof = new Float64Array(train.y.length);
      outerSplits(train, k, 1, design.seed).forEach((split) => {
        design.onProgress?.(`transfer check: ${trainName} threshold fold ${split.fold + 1}/${k}`);
        const foldModel = fit(subset(train, split.train), design.seed + 1000 + split.fold).ensemble;
        const p = predictProbabilities(foldModel, subset(train, split.test));
        split.test.forEach((r, i) => (oof[r] = p[i]));
      });
      threshold = design.threshold(train, oof);
      thresholdFrom = `out-of-fold predictions of a grouped ${k}-fold CV inside ${trainName}`;
    } else {
      const holdout = innerSplits(train, design.search.inner, design.seed)[0];
      const holdoutRows = subset(train, holdout.test);
      const holdoutModel =
        selection.holdoutFit ??
        fitGradientBoosting(subset(train, holdout.train), { ...selection.params, seed: design.seed }).ensemble;
      threshold = design.threshold(holdoutRows, predictProbabilities(holdoutModel, holdoutRows));
      thresholdFrom = `the inner hold-out of ${trainName}`;
    }

    units.names.forEach((testName, b) => {
      if (b === a) return;
      const test = subset(data, rowsOf(units, b));
      if (test.y.length === 0) throw new RangeError(`transfer check: no rows in unit ${testName}`);
      const p = predictProbabilities(model, test);
      let utility: number | undefined;
      if (design.utility) {
        if (!test.groups) throw new RangeError('transfer check: the utility score needs patient groups');
        const alarms = Float64Array.from(p, (q) => (q >= threshold ? 1 : 0));
        utility = normalizedUtility(groupByPatient(test.groups, test.y, alarms)).normalized;
      }
      results.push({
        train: trainName,
        test: testName,
        thresholdFrom,
        rounds: model.trees.length,
        maxDepth: selection.params.maxDepth,
        trainRows: train.y.length,
        trainPatients: distinctGroups(train),
        rows: test.y.length,
        patients: distinctGroups(test),
        positivePatients: positiveGroups(test),
        auroc: auroc(test.y, p),
        threshold,
        ...(utility !== undefined ? { utility } : {}),
      });
    });
  });
  return results;
}

/** The card's transfer section for a recipe that asks for one (sepsis: Unit1 ↔ Unit2 of set A). */
export async function recipeTransferCheck(
  check: { method: string; thresholdFolds?: number; units(dataDir: string): Promise<TransferUnits> },
  data: Dataset,
  dataDir: string,
  design: Omit<TransferDesign, 'thresholdFolds'>,
): Promise<{ method: string; results: TransferResult[] }> {
  const units = await check.units(dataDir);
  return {
    method: check.method,
    results: transferCheck(data, units, { ...design, thresholdFolds: check.thresholdFolds }),
  };
}
