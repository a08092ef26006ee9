/**
 * Exact path-dependent TreeSHAP: each feature's contribution, in log-odds (margin), to one prediction of a TreeEnsemble,
 * by Lundberg et al. 2020's Algorithm 2 or, per tree where it is faster, Fast TreeSHAP v2 (fast-tree-shap.ts).
 */
// One module past 400 lines: PreparedTreeShap's preparation and its per-row loops read and write one set of flat
// arrays.
import { ExplainInputError } from './explain-input-error';
import {
  FAST_TABLE_BUDGET,
  FastTreeShap,
  leafTableSize,
  MAX_TABLE_BYTES,
  MAX_TABLE_PLAYERS,
  type PreorderNodes,
} from './fast-tree-shap';
import { pathRatios, unwindPath, type PathRatios } from './shap-path-weights';
import { checkCovers, InvalidCoversError } from './tree-covers';
import type { Tree, TreeEnsemble } from './tree-ensemble';
import { InvalidTreeEnsembleError } from './tree-ensemble-errors';
import { findTreeProblem } from './tree-validation';

/*
 * The game explained is the path-dependent one of the paper: for a set S of "known" features, v(S) is
 * the tree's output when, at every split, a feature in S sends the row down its own branch and a
 * feature outside S averages both children weighted by their covers. The contributions φ are that
 * game's Shapley values, summed over trees, so baseValue + Σ φ = predictMargin(row) (local accuracy)
 * with baseValue = baseScore + Σ_trees v_tree(∅).
 *
 * Branch weights at a split are cover(child) / (cover(left) + cover(right)). For covers that add up
 * (parent = left + right, as hessian sums and row counts do) this is the paper's r_child / r_parent;
 * normalising by the children keeps every split a proper average when an exporter's covers were
 * rounded, and keeps local accuracy exact either way because the base value uses the same weights.
 *
 * The computation is the paper's EXTEND / UNWIND / UNWOUND_SUM on the permutation weights of the
 * unique path, arranged for speed (see PreparedTreeShap): the row-independent part of the recursion
 * is recorded once per ensemble, every scratch buffer is sized once, and explaining allocates nothing.
 */

// Module-level copies of globals: under jest every global read in a hot loop costs ~0.5 µs.
const { fround, max } = Math;
const isMissing = Number.isNaN;
const isFiniteNumber = Number.isFinite;

export interface RowExplanation {
  /** baseScore plus every tree's cover-weighted mean leaf value (log-odds). */
  baseValue: number;
  /** One contribution per feature (log-odds); baseValue + Σ contributions = predictMargin(row). */
  contributions: Float64Array;
}

export interface BatchExplanation {
  baseValue: number;
  featureCount: number;
  /** Row-major, rows × featureCount (log-odds). */
  contributions: Float64Array;
}

/** An ensemble prepared for explaining many rows: flat node arrays, per-tree expected values, scratch buffers. */
export interface TreeExplainer {
  readonly featureCount: number;
  /** baseScore + Σ expectedValues (log-odds). */
  readonly baseValue: number;
  /** v_tree(∅) of each tree, in ensemble order. */
  readonly expectedValues: Float64Array;
  /** Deepest leaf over all trees (root = depth 0). */
  readonly maxDepth: number;
  /** Trees explained with Fast TreeSHAP v2 (the others, single leaves aside, with Algorithm 2). */
  readonly fastTreeCount: number;
  /** Bytes of Fast TreeSHAP v2 tables held. */
  readonly fastTableBytes: number;
  /** Writes the row's contributions to out[offset .. offset + featureCount) without allocating. */
  explainInto(row: ArrayLike<number>, out: Float64Array, offset?: number): void;
  explain(row: ArrayLike<number>): RowExplanation;
  /** x is row-major with featureCount columns. */
  explainRows(x: ArrayLike<number>): BatchExplanation;
}

/**
 * How each tree is explained: `auto` uses Fast TreeSHAP v2 (fast-tree-shap.ts) while the ensemble's tables stay within
 * FAST_TABLE_BUDGET, where it was measured faster, and Algorithm 2 for the other trees; `fast-v2` uses v2 wherever its
 * tables fit at all (MAX_TABLE_PLAYERS, MAX_TABLE_BYTES); `algorithm-2` never. All give the same values up to
 * rounding: the choice is about speed and memory only.
 */
export type TreeShapAlgorithm = 'auto' | 'algorithm-2' | 'fast-v2';

export interface ExplainerOptions {
  algorithm?: TreeShapAlgorithm;
}

/** Validates covers, flattens the trees and sizes the scratch buffers (and any Fast TreeSHAP tables) once. */
export function prepareExplainer(ensemble: TreeEnsemble, options: ExplainerOptions = {}): TreeExplainer {
  return new PreparedTreeShap(ensemble, options.algorithm ?? 'auto');
}

export function explainRow(ensemble: TreeEnsemble, row: ArrayLike<number>): RowExplanation {
  return prepareExplainer(ensemble).explain(row);
}

export function explainRows(
  ensemble: TreeEnsemble,
  x: Float32Array | Float64Array,
  featureCount: number,
): BatchExplanation {
  if (featureCount !== ensemble.featureCount) {
    throw new ExplainInputError(`rows have ${featureCount} features, the ensemble expects ${ensemble.featureCount}`);
  }
  return prepareExplainer(ensemble).explainRows(x);
}

/**
 * Whether a tree whose leaf games have up to `players` players is explained with Fast TreeSHAP v2, given the
 * ensemble's table bytes with this tree's included.
 */
function chooseFastV2(algorithm: TreeShapAlgorithm, players: number, bytes: number): boolean {
  if (algorithm === 'algorithm-2' || players > MAX_TABLE_PLAYERS) return false;
  return bytes <= (algorithm === 'auto' ? FAST_TABLE_BUDGET : MAX_TABLE_BYTES);
}

// ---------------------------------------------------------------------------------------------

/**
 * The recursion of Algorithm 2 visits the same nodes in the same order for every row, with the same
 * path lengths, zero fractions and features to unwind: only the one fractions (0 or 1: does the row
 * follow the split) depend on the row. So the preparation walks each tree once, recording per node
 * what RECURSE would compute without the row, and explaining a row is a loop over the splits in
 * preorder doing EXTEND and UNWIND on the permutation weights (each level's weights in its own slice
 * of one buffer, as in the reference implementations), with no recursion and no element-list
 * bookkeeping; the leaves' UNWOUND_SUMs are taken once per split for both its leaf children.
 *
 * The permutation weights of a path are symmetric in its elements (EXTEND and UNWIND only use the
 * fractions of the element added or removed), so a path is recorded as an unordered list of the
 * nodes whose edges added its elements.
 */
class PreparedTreeShap implements TreeExplainer {
  readonly featureCount: number;
  readonly baseValue: number;
  readonly expectedValues: Float64Array;
  readonly maxDepth: number;

  // Every tree's nodes in one set of arrays, each tree in preorder; children hold indices into these arrays (-1: leaf).
  private readonly feature: Int32Array;
  /** float32 split values, compared with the row rounded to float32. */
  private readonly threshold: Float64Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly missingLeft: Uint8Array;
  private readonly value: Float64Array;
  /** cover(node) / (cover(node) + cover(sibling)); NaN below a split whose children have no cover. */
  private readonly share: Float64Array;
  /** The node's index in its Tree, for messages. */
  private readonly treeIndex: Int32Array;
  /**
   * First node of each tree that splits at least once (single leaves only shift the base value) and the end of its
   * nodes.
   */
  private readonly roots: Int32Array;
  private readonly rootEnds: Int32Array;
  private readonly treeOfRoot: Int32Array;
  /** Per root: 1 when its tree is explained with Fast TreeSHAP v2. */
  private readonly fastRoot: Uint8Array;
  private readonly fast: FastTreeShap;
  readonly fastTreeCount: number;
  readonly fastTableBytes: number;

  // What RECURSE knows without the row, per node.
  /** Elements on the parent's path (after its UNWIND), the dummy root element included: RECURSE's unique_depth. */
  private readonly pathLength: Int32Array;
  /** Start of the node's permutation weights in `weights`. */
  private readonly slot: Int32Array;
  /** Zero fraction of the element the edge into the node adds: share × the unwound element's zero fraction. */
  private readonly zero: Float64Array;
  /** The split feature of the parent: the element's feature (−1 for a root's placeholder element). */
  private readonly elementFeature: Int32Array;
  /** At a split: the node whose element has the same feature and is unwound here, or −1. */
  private readonly unwinds: Int32Array;
  /** One past the last node of the node's subtree (preorder), to skip subtrees with no weight. */
  private readonly subtreeEnd: Int32Array;
  /**
   * At a split: the elements of its path after UNWIND (the nodes that added them, placeholder
   * excluded) at keptElements[keptStart .. keptStart + pathLength(child) − 1).
   */
  private readonly keptStart: Int32Array;
  private readonly keptElements: Int32Array;

  // Scratch, reused by every row.
  private readonly xf: Float64Array;
  /** One fraction of the element each node's edge adds, for the current row. */
  private readonly one: Float64Array;
  /** Permutation weights of every level of the current path, the level at path length l at offset ≤ l(l + 1)/2. */
  private readonly weights: Float64Array;
  private readonly ratios: PathRatios;

  constructor(ensemble: TreeEnsemble, algorithm: TreeShapAlgorithm) {
    this.featureCount = ensemble.featureCount;
    const total = ensemble.trees.reduce((n, t) => n + t.feature.length, 0);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.missingLeft = new Uint8Array(total);
    this.value = new Float64Array(total);
    this.share = new Float64Array(total);
    this.treeIndex = new Int32Array(total);
    this.pathLength = new Int32Array(total);
    this.slot = new Int32Array(total);
    this.zero = new Float64Array(total);
    this.elementFeature = new Int32Array(total);
    this.unwinds = new Int32Array(total).fill(-1);
    this.subtreeEnd = new Int32Array(total);
    this.keptStart = new Int32Array(total);
    this.one = new Float64Array(total);
    this.expectedValues = new Float64Array(ensemble.trees.length);

    const roots: number[] = [];
    const rootEnds: number[] = [];
    const treeOfRoot: number[] = [];
    const keptElements: number[] = [];
    let maxDepth = 0;
    let at = 0;
    ensemble.trees.forEach((tree, t) => {
      const n = tree.feature.length;
      const problem = findTreeProblem(tree, this.featureCount);
      if (problem) throw new InvalidTreeEnsembleError(`tree ${t} ${problem}`);
      if (n > 1) checkCovers(tree, t);
      this.addInPreorder(tree, at);
      const { expected, depth } = this.expectedValueAndDepth(at);
      if (!isFiniteNumber(expected)) {
        throw new InvalidCoversError(
          `tree ${t}: a split that has cover has children with none, so the tree's expected value is undefined`,
        );
      }
      this.expectedValues[t] = expected;
      maxDepth = max(maxDepth, depth);
      if (n > 1) {
        roots.push(at);
        rootEnds.push(at + n);
        treeOfRoot.push(t);
      }
      at += n;
    });
    this.roots = Int32Array.from(roots);
    this.rootEnds = Int32Array.from(rootEnds);
    this.treeOfRoot = Int32Array.from(treeOfRoot);

    const nodes: PreorderNodes = {
      feature: this.feature,
      threshold: this.threshold,
      left: this.left,
      right: this.right,
      missingLeft: this.missingLeft,
      value: this.value,
      share: this.share,
    };
    this.fast = new FastTreeShap(nodes);
    this.fastRoot = new Uint8Array(roots.length);
    let tableBytes = 0;
    let fastTrees = 0;
    roots.forEach((root, k) => {
      const size = algorithm === 'algorithm-2' ? undefined : leafTableSize(nodes, root);
      const bytes = size ? size.entries * Float64Array.BYTES_PER_ELEMENT : 0;
      if (size && chooseFastV2(algorithm, size.players, tableBytes + bytes)) {
        this.fast.prepare(root);
        this.fastRoot[k] = 1;
        tableBytes += bytes;
        fastTrees++;
      } else this.recordPaths(root, keptElements);
    });
    this.fast.seal();
    this.fastTreeCount = fastTrees;
    this.fastTableBytes = this.fast.tableBytes;
    this.keptElements = Int32Array.from(keptElements);
    this.maxDepth = maxDepth;
    let base = ensemble.baseScore;
    for (const e of this.expectedValues) base += e;
    this.baseValue = base;

    this.weights = new Float64Array(((maxDepth + 2) * (maxDepth + 3)) / 2);
    this.ratios = pathRatios(maxDepth + 2);
    this.xf = new Float64Array(this.featureCount);
  }

  explain(row: ArrayLike<number>): RowExplanation {
    const contributions = new Float64Array(this.featureCount);
    this.explainInto(row, contributions, 0);
    return { baseValue: this.baseValue, contributions };
  }

  explainRows(x: ArrayLike<number>): BatchExplanation {
    const f = this.featureCount;
    const rows = f === 0 ? 0 : x.length / f;
    if (!Number.isInteger(rows)) throw new ExplainInputError(`${x.length} values are not whole rows of ${f} features`);
    const contributions = new Float64Array(rows * f);
    for (let r = 0; r < rows; r++) this.explainAt(x, r * f, contributions, r * f);
    return { baseValue: this.baseValue, featureCount: f, contributions };
  }

  explainInto(row: ArrayLike<number>, out: Float64Array, offset = 0): void {
    if (row.length !== this.featureCount) {
      throw new ExplainInputError(`the row has ${row.length} features, the ensemble expects ${this.featureCount}`);
    }
    if (offset < 0 || offset + this.featureCount > out.length) {
      throw new ExplainInputError(
        `out has room for ${out.length - offset} contributions at offset ${offset}, ${this.featureCount} needed`,
      );
    }
    this.explainAt(row, 0, out, offset);
  }

  private explainAt(x: ArrayLike<number>, xOffset: number, out: Float64Array, outOffset: number): void {
    const f = this.featureCount;
    const xf = this.xf;
    // onnxruntime compares float32 inputs: round once per row, NaN stays NaN.
    for (let j = 0; j < f; j++) {
      xf[j] = fround(x[xOffset + j]);
      out[outOffset + j] = 0;
    }
    const roots = this.roots;
    const fastRoot = this.fastRoot;
    for (let k = 0; k < roots.length; k++) {
      if (fastRoot[k] === 1) this.fast.explainTree(roots[k], this.rootEnds[k], xf, out, outOffset);
      else this.explainTree(roots[k], this.rootEnds[k], out, outOffset);
    }
    for (let j = 0; j < f; j++) {
      if (isMissing(out[outOffset + j])) throw this.uncoveredError(x, xOffset);
    }
  }

  /**
   * Algorithm 2's RECURSE for one tree, as a loop over its splits in preorder. Leaves are explained
   * from their parent's path (see explainLeaves), which both children of a split share.
   */
  private explainTree(root: number, end: number, phi: Float64Array, phiOffset: number): void {
    const w = this.weights;
    const ratios = this.ratios;
    const size = ratios.size;
    const up = ratios.up;
    const stay = ratios.stay;
    const pathLength = this.pathLength;
    const slots = this.slot;
    const zeros = this.zero;
    const ones = this.one;
    const left = this.left;
    const right = this.right;
    const xf = this.xf;
    const featureOf = this.feature;
    const threshold = this.threshold;
    const missingLeft = this.missingLeft;
    const unwinds = this.unwinds;
    const subtreeEnd = this.subtreeEnd;

    ones[root] = 1;
    for (let node = root; node < end; node++) {
      const l0 = left[node];
      if (l0 === -1) continue;
      const zero = zeros[node];
      const one = ones[node];
      // No weight in either fraction: nothing below adds anything (and UNWIND would divide by 0).
      if (zero === 0 && one === 0) {
        node = subtreeEnd[node] - 1;
        continue;
      }

      // EXTEND the parent's weights (at slot − l) by this node's element into this level's (at slot).
      const l = pathLength[node];
      const s = slots[node];
      const p = s - l;
      const row = l * size;
      w[s + l] = l === 0 ? 1 : 0;
      if (one === 0) {
        for (let i = l - 1; i >= 0; i--) w[s + i] = zero * w[p + i] * stay[row + i];
      } else {
        for (let i = l - 1; i >= 0; i--) {
          const parent = w[p + i];
          w[s + i + 1] += parent * up[row + i];
          w[s + i] = zero * parent * stay[row + i];
        }
      }

      // A feature already on the path: UNWIND its element; the children's fractions fold in its own.
      const unwound = unwinds[node];
      let incomingOne = 1;
      if (unwound !== -1) {
        incomingOne = ones[unwound];
        unwindPath(w, s, l, zeros[unwound], incomingOne, ratios);
      }
      const r0 = right[node];
      const x = xf[featureOf[node]];
      const goLeft = isMissing(x) ? missingLeft[node] === 1 : x < threshold[node];
      ones[l0] = goLeft ? incomingOne : 0;
      ones[r0] = goLeft ? 0 : incomingOne;
      if (left[l0] === -1 || left[r0] === -1) this.explainLeaves(node, l0, r0, phi, phiOffset);
    }
  }

  /**
   * A leaf's RECURSE step, for the leaf children of `node`: EXTEND by the leaf's element (z, o),
   * then UNWOUND_SUM for each element of the leaf's path. Both are linear in (z, o), so the sums are
   * taken once over the parent's weights u (length L, at the node's slot) and shared by both leaves:
   * - the leaf's own element: UNWOUND_SUM = Σ u = C;
   * - an element with one fraction 0: (0 − zero) · UNWOUND_SUM = −Σ_{i<L} w'_i (L + 1)/(L − i) = −(z·C + o·D),
   *   D = Σ_{j<L−1} u_j (j + 1)/(L − 1 − j), the same for every such element;
   * - an element with one fraction 1: with u' = u with that element UNWOUND (length L − 1),
   *   UNWOUND_SUM = z·A + o·B, A = Σ_j u'_j (L − 1 − j)/L and B = Σ_j u'_j (j + 1)/L.
   */
  private explainLeaves(node: number, l0: number, r0: number, phi: Float64Array, phiOffset: number): void {
    const w = this.weights;
    const ratios = this.ratios;
    const zeros = this.zero;
    const ones = this.one;
    const left = this.left;
    const elementFeature = this.elementFeature;
    const s = this.slot[node];
    const L = this.pathLength[l0];
    const row = (L - 1) * ratios.size;
    const undoUp = ratios.undoUp;
    const stay = ratios.stay;
    const upOverStay = ratios.upOverStay;

    let c = 0;
    let d = 0;
    for (let i = 0; i < L; i++) c += w[s + i];
    for (let j = 0; j < L - 1; j++) d += w[s + j] * upOverStay[row + j];

    // Each child's (z, o) and leaf value; a child that is a split gets its own step, and a leaf of
    // value 0 or with no weight in either fraction adds nothing.
    const vl = left[l0] === -1 ? this.value[l0] : 0;
    const vr = left[r0] === -1 ? this.value[r0] : 0;
    const zl = zeros[l0];
    const ol = ones[l0];
    const zr = zeros[r0];
    const or = ones[r0];
    const leftLeaf = vl !== 0 && (zl !== 0 || ol !== 0);
    const rightLeaf = vr !== 0 && (zr !== 0 || or !== 0);
    if (!leftLeaf && !rightLeaf) return;
    const at = phiOffset + elementFeature[l0];
    if (leftLeaf) phi[at] += c * (ol - zl) * vl;
    if (rightLeaf) phi[at] += c * (or - zr) * vr;
    const coldLeft = leftLeaf ? -(zl * c + ol * d) * vl : 0;
    const coldRight = rightLeaf ? -(zr * c + or * d) * vr : 0;

    const elements = this.keptElements;
    const first = this.keptStart[node];
    for (let k = first; k < first + L - 1; k++) {
      const e = elements[k];
      const target = phiOffset + elementFeature[e];
      if (ones[e] === 0) {
        phi[target] += coldLeft + coldRight;
        continue;
      }
      // UNWIND e from u on the fly (last index L − 1), summing A and B.
      const z = zeros[e];
      let a = 0;
      let b = 0;
      let next = w[s + L - 1];
      for (let i = L - 2; i >= 0; i--) {
        const x = next * undoUp[row + i];
        a += x * stay[row + i];
        b += next;
        next = w[s + i] - x * z * stay[row + i];
      }
      const scale = 1 - z;
      let add = 0;
      if (leftLeaf) add += (zl * a + ol * b) * scale * vl;
      if (rightLeaf) add += (zr * a + or * b) * scale * vr;
      phi[target] += add;
    }
  }

  /** Copies a tree into the flat arrays at `at`, renumbering its nodes in preorder. */
  private addInPreorder(tree: Tree, at: number): void {
    const order: number[] = [];
    const stack = [0];
    while (stack.length > 0) {
      const i = stack.pop()!;
      order.push(i);
      if (tree.left[i] !== -1) stack.push(tree.right[i], tree.left[i]);
    }
    const position = new Int32Array(tree.feature.length);
    order.forEach((i, k) => (position[i] = at + k));
    order.forEach((i, k) => {
      const node = at + k;
      const leaf = tree.left[i] === -1;
      this.treeIndex[node] = i;
      this.feature[node] = leaf ? -1 : tree.feature[i];
      this.threshold[node] = tree.threshold[i];
      this.left[node] = leaf ? -1 : position[tree.left[i]];
      this.right[node] = leaf ? -1 : position[tree.right[i]];
      this.missingLeft[node] = tree.missingGoesLeft[i] ? 1 : 0;
      this.value[node] = leaf ? tree.leafValue[i] : 0;
      if (!leaf) {
        const l = tree.cover[tree.left[i]];
        const r = tree.cover[tree.right[i]];
        this.share[position[tree.left[i]]] = l + r > 0 ? l / (l + r) : NaN;
        this.share[position[tree.right[i]]] = l + r > 0 ? r / (l + r) : NaN;
      }
    });
    this.share[at] = 1;
  }

  /** Runs RECURSE's row-independent part: path lengths, weight slots, zero fractions, unwinds, kept elements. */
  private recordPaths(root: number, keptElements: number[]): void {
    // `path`: the nodes whose edges added the parent path's elements, placeholder excluded.
    const visit = (node: number, path: number[], slot: number): number => {
      this.pathLength[node] = path.length + (node === root ? 0 : 1);
      this.slot[node] = slot;
      if (this.left[node] === -1) {
        this.subtreeEnd[node] = node + 1;
        return node + 1;
      }
      const elements = node === root ? path : [...path, node];
      const k = elements.findIndex((e) => this.elementFeature[e] === this.feature[node]);
      const incomingZero = k === -1 ? 1 : this.zero[elements[k]];
      const kept = k === -1 ? elements : elements.filter((_, i) => i !== k);
      this.unwinds[node] = k === -1 ? -1 : elements[k];
      this.keptStart[node] = keptElements.length;
      keptElements.push(...kept);
      let end = node + 1;
      for (const child of [this.left[node], this.right[node]]) {
        this.zero[child] = this.share[child] * incomingZero;
        this.elementFeature[child] = this.feature[node];
        end = visit(child, kept, slot + kept.length + 1);
      }
      this.subtreeEnd[node] = end;
      return end;
    };
    this.zero[root] = 1;
    this.elementFeature[root] = -1;
    visit(root, [], 0);
  }

  /**
   * v_tree(∅) under the shares (NaN when a split with cover has children without) and the depth of the deepest leaf.
   */
  private expectedValueAndDepth(root: number): { expected: number; depth: number } {
    let deepest = 0;
    const visit = (node: number, depth: number): number => {
      deepest = max(deepest, depth);
      const l = this.left[node];
      if (l === -1) return this.value[node];
      const r = this.right[node];
      let e = 0;
      // A zero-share child carries no weight even when its own subtree is uncovered (NaN).
      if (this.share[l] !== 0) e += this.share[l] * visit(l, depth + 1);
      else visit(l, depth + 1);
      if (this.share[r] !== 0) e += this.share[r] * visit(r, depth + 1);
      else visit(r, depth + 1);
      return e;
    };
    const expected = visit(root, 0);
    return { expected, depth: deepest };
  }

  private uncoveredError(x: ArrayLike<number>, xOffset: number): InvalidCoversError {
    for (let k = 0; k < this.roots.length; k++) {
      let node = this.roots[k];
      while (this.left[node] !== -1) {
        const l = this.left[node];
        const r = this.right[node];
        if (isMissing(this.share[l])) {
          return new InvalidCoversError(
            `the row reaches a split of tree ${this.treeOfRoot[k]} (node ${this.treeIndex[node]}) whose children have no cover; ` +
              'covers from computeCovers need background rows that reach every split explained rows reach',
          );
        }
        const v = fround(x[xOffset + this.feature[node]]);
        node = (isMissing(v) ? this.missingLeft[node] === 1 : v < this.threshold[node]) ? l : r;
      }
    }
    return new InvalidCoversError('the covers give an undefined contribution for this row');
  }
}
