/** Grows one regression tree on gradients and hessians by histogram split finding, learning where missing values go. */
import type { Tree } from '@/explain/tree-ensemble';
import type { BinnedFeatures } from './binning';

export interface TreeGrowthParams {
  maxDepth: number;
  /** Smallest hessian sum a child may have. */
  minChildWeight: number;
  /** L2 penalty on leaf values. */
  lambda: number;
  /** Smallest loss reduction a split must bring. */
  gamma: number;
  learningRate: number;
}

interface Split {
  gain: number;
  feature: number;
  /** Present values in bins ≤ bin go left. */
  bin: number;
  missingLeft: boolean;
  /** Gradient and hessian sums of the left child. */
  gradLeft: number;
  hessLeft: number;
}

interface PendingNode {
  index: number;
  depth: number;
  /** The node's rows are rows[start, end). */
  start: number;
  end: number;
  gradSum: number;
  hessSum: number;
  histogram: Float64Array;
}

/** Slot offsets of every feature in a histogram: `binCount[f] + 1` slots (the last one for missing). */
export function histogramLayout(binned: BinnedFeatures): Int32Array {
  const offsets = new Int32Array(binned.features + 1);
  for (let f = 0; f < binned.features; f++) offsets[f + 1] = offsets[f] + binned.binCount[f] + 1;
  return offsets;
}

/**
 * Grows a tree on `rows` (reordered in place). Split gain and leaf values follow XGBoost's
 * second-order objective: gain = ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)] − γ, leaf = −G/(H+λ)·η.
 * Each split tries missing values on both sides and keeps the better; when the node saw no missing
 * value, they follow the child with the larger cover.
 */
export function growTree(
  binned: BinnedFeatures,
  offsets: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  rows: Int32Array,
  features: Int32Array,
  params: TreeGrowthParams,
): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], missingGoesLeft: [], leafValue: [], cover: [] };
  const scratch = new Int32Array(rows.length);
  const root = newNode(tree);
  let gradSum = 0;
  let hessSum = 0;
  for (let i = 0; i < rows.length; i++) {
    gradSum += grad[rows[i]];
    hessSum += hess[rows[i]];
  }
  const rootHistogram = buildHistogram(binned, offsets, grad, hess, rows, 0, rows.length, features);
  const queue: PendingNode[] = [
    { index: root, depth: 0, start: 0, end: rows.length, gradSum, hessSum, histogram: rootHistogram },
  ];

  while (queue.length > 0) {
    const node = queue.shift()!;
    tree.cover[node.index] = node.hessSum;
    const split = node.depth < params.maxDepth ? bestSplit(binned, offsets, node, features, params) : null;
    if (!split) {
      // + 0 turns −0 into 0, so equal models serialise to equal bytes.
      tree.leafValue[node.index] =
        Math.fround((-node.gradSum / (node.hessSum + params.lambda)) * params.learningRate) + 0;
      continue;
    }
    const mid = partition(binned, rows, scratch, node.start, node.end, split);
    const leftIndex = newNode(tree);
    const rightIndex = newNode(tree);
    tree.feature[node.index] = split.feature;
    tree.threshold[node.index] = binned.cuts[split.feature][split.bin];
    tree.left[node.index] = leftIndex;
    tree.right[node.index] = rightIndex;
    tree.missingGoesLeft[node.index] = split.missingLeft;

    // Build the smaller child's histogram and derive the larger one by subtraction.
    const leftSmaller = mid - node.start <= node.end - mid;
    const small = leftSmaller
      ? buildHistogram(binned, offsets, grad, hess, rows, node.start, mid, features)
      : buildHistogram(binned, offsets, grad, hess, rows, mid, node.end, features);
    const large = node.histogram;
    for (let i = 0; i < large.length; i++) large[i] -= small[i];
    const leftHistogram = leftSmaller ? small : large;
    const rightHistogram = leftSmaller ? large : small;
    const { gradLeft: leftGrad, hessLeft: leftHess } = split;
    queue.push(
      {
        index: leftIndex,
        depth: node.depth + 1,
        start: node.start,
        end: mid,
        gradSum: leftGrad,
        hessSum: leftHess,
        histogram: leftHistogram,
      },
      {
        index: rightIndex,
        depth: node.depth + 1,
        start: mid,
        end: node.end,
        gradSum: node.gradSum - leftGrad,
        hessSum: node.hessSum - leftHess,
        histogram: rightHistogram,
      },
    );
  }
  return tree;
}

function newNode(tree: Tree): number {
  tree.feature.push(0);
  tree.threshold.push(0);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.missingGoesLeft.push(false);
  tree.leafValue.push(0);
  tree.cover.push(0);
  return tree.feature.length - 1;
}

/** Gradient and hessian sums per (feature, bin) slot, interleaved: [g0, h0, g1, h1, …]. */
function buildHistogram(
  binned: BinnedFeatures,
  offsets: Int32Array,
  grad: Float64Array,
  hess: Float64Array,
  rows: Int32Array,
  start: number,
  end: number,
  features: Int32Array,
): Float64Array {
  const histogram = new Float64Array(offsets[binned.features] * 2);
  const { bins, features: width } = binned;
  const k = features.length;
  // Slot offsets of the sampled features, hoisted out of the row loop.
  const featureOffsets = new Int32Array(k);
  for (let j = 0; j < k; j++) featureOffsets[j] = offsets[features[j]];
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const g = grad[r];
    const h = hess[r];
    const base = r * width;
    for (let j = 0; j < k; j++) {
      const slot = (featureOffsets[j] + bins[base + features[j]]) << 1;
      histogram[slot] += g;
      histogram[slot + 1] += h;
    }
  }
  return histogram;
}

function bestSplit(
  binned: BinnedFeatures,
  offsets: Int32Array,
  node: PendingNode,
  features: Int32Array,
  params: TreeGrowthParams,
): Split | null {
  const { lambda } = params;
  // A floor well above the rounding residue of histogram subtraction keeps empty children out.
  const minChildWeight = Math.max(params.minChildWeight, 1e-10);
  const G = node.gradSum;
  const H = node.hessSum;
  if (H < 2 * minChildWeight) return null;
  const parentScore = (G * G) / (H + lambda);
  let best: Split | null = null;
  let bestGain = params.gamma;
  const hist = node.histogram;
  for (let j = 0; j < features.length; j++) {
    const f = features[j];
    const base = offsets[f];
    const present = binned.binCount[f];
    const missingGrad = hist[(base + present) << 1];
    const missingHess = hist[((base + present) << 1) + 1];
    const hasMissing = missingHess > 0;
    let gl = 0;
    let hl = 0;
    // Bin b = present − 1 puts every present value left: only useful with missing values on the right.
    const lastBin = hasMissing ? present - 1 : present - 2;
    for (let b = 0; b <= lastBin; b++) {
      gl += hist[(base + b) << 1];
      hl += hist[((base + b) << 1) + 1];
      for (let side = 0; side < 2; side++) {
        const missingLeft = side === 0;
        if (!hasMissing && !missingLeft) break;
        if (b === present - 1 && missingLeft) continue;
        const gLeft = missingLeft ? gl + missingGrad : gl;
        const hLeft = missingLeft ? hl + missingHess : hl;
        const hRight = H - hLeft;
        if (hLeft < minChildWeight || hRight < minChildWeight) continue;
        const gRight = G - gLeft;
        const gain = 0.5 * ((gLeft * gLeft) / (hLeft + lambda) + (gRight * gRight) / (hRight + lambda) - parentScore);
        if (gain > bestGain + 1e-12) {
          bestGain = gain;
          const noMissingSeen = !hasMissing;
          best = {
            gain,
            feature: f,
            bin: b,
            missingLeft: noMissingSeen ? hLeft >= hRight : missingLeft,
            gradLeft: gLeft,
            hessLeft: hLeft,
          };
        }
      }
    }
  }
  return best;
}

/** Stable partition of rows[start, end) into left then right; returns the first right position. */
function partition(
  binned: BinnedFeatures,
  rows: Int32Array,
  scratch: Int32Array,
  start: number,
  end: number,
  split: Split,
): number {
  const column = binned.columns.subarray(split.feature * binned.rows, (split.feature + 1) * binned.rows);
  const missingBin = binned.binCount[split.feature];
  let left = start;
  let right = 0;
  for (let i = start; i < end; i++) {
    const r = rows[i];
    const b = column[r];
    const goLeft = b === missingBin ? split.missingLeft : b <= split.bin;
    if (goLeft) rows[left++] = r;
    else scratch[right++] = r;
  }
  rows.set(scratch.subarray(0, right), left);
  return left;
}
