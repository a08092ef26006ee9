/**
 * Covers, the node weights TreeSHAP averages with: their checks, and counting them from background rows for models
 * exported without them.
 */
import { CodedError } from '@/errors/coded-error';
import { ExplainInputError } from './explain-input-error';
import type { Tree, TreeEnsemble } from './tree-ensemble';
import { InvalidTreeEnsembleError } from './tree-ensemble-errors';
import { findTreeProblem } from './tree-validation';

// Module-level copies of globals: under jest every global read in a hot loop costs ~0.5 µs.
const { fround } = Math;
const isMissing = Number.isNaN;
const isFiniteNumber = Number.isFinite;

/**
 * The ensemble carries no covers (an ONNX model exported without `crc.tree_covers`), so TreeSHAP has no weights to
 * average with.
 */
export class MissingCoversError extends CodedError {
  readonly code = 'MISSING_COVERS';
}

/**
 * Covers TreeSHAP cannot use: negative or infinite, or no cover below a split a row reaches (a background too small for
 * computeCovers).
 */
export class InvalidCoversError extends CodedError {
  readonly code = 'INVALID_COVERS';
}

/**
 * A copy of the ensemble whose covers are the number of background rows reaching each node, for
 * models exported elsewhere without covers (what shap's TreeExplainer does when given data in
 * path-dependent mode). These are row counts, not the training hessian sums the trainer records: the
 * explanation then averages over the background rows instead of the training rows' hessian weights.
 * Nodes no background row reaches get cover 0; explaining a row whose own path leads to a split with
 * no background rows below it throws InvalidCoversError, since that average is undefined.
 */
export function computeCovers(
  ensemble: TreeEnsemble,
  backgroundRows: ArrayLike<number>,
  featureCount: number,
): TreeEnsemble {
  if (featureCount !== ensemble.featureCount) {
    throw new ExplainInputError(
      `background rows have ${featureCount} features, the ensemble expects ${ensemble.featureCount}`,
    );
  }
  const rows = backgroundRows.length / featureCount;
  if (!Number.isInteger(rows) || rows === 0) {
    throw new ExplainInputError(
      `background needs at least one row of ${featureCount} features, got ${backgroundRows.length} values`,
    );
  }
  const trees = ensemble.trees.map((tree, t): Tree => {
    const problem = findTreeProblem(tree, featureCount);
    if (problem) throw new InvalidTreeEnsembleError(`tree ${t} ${problem}`);
    const cover = new Float64Array(tree.feature.length);
    for (let r = 0; r < rows; r++) {
      const base = r * featureCount;
      let node = 0;
      cover[0] += 1;
      while (tree.left[node] !== -1) {
        const x = backgroundRows[base + tree.feature[node]];
        const goLeft = isMissing(x) ? tree.missingGoesLeft[node] : fround(x) < tree.threshold[node];
        node = goLeft ? tree.left[node] : tree.right[node];
        cover[node] += 1;
      }
    }
    return {
      feature: tree.feature.slice(),
      threshold: tree.threshold.slice(),
      left: tree.left.slice(),
      right: tree.right.slice(),
      missingGoesLeft: tree.missingGoesLeft.slice(),
      leafValue: tree.leafValue.slice(),
      cover: Array.from(cover),
    };
  });
  return { featureCount: ensemble.featureCount, baseScore: ensemble.baseScore, trees };
}

/** NaN anywhere means no covers (MissingCoversError); negative or infinite covers are invalid. */
export function checkCovers(tree: Tree, t: number): void {
  for (let i = 0; i < tree.cover.length; i++) {
    const c = tree.cover[i];
    if (isMissing(c)) {
      throw new MissingCoversError(
        `tree ${t} node ${i} has no cover: TreeSHAP needs covers (crc.tree_covers in the ONNX file, or computeCovers from background rows)`,
      );
    }
    if (!(c >= 0) || !isFiniteNumber(c))
      throw new InvalidCoversError(`tree ${t} node ${i} has cover ${c}; covers must be finite and ≥ 0`);
  }
}
