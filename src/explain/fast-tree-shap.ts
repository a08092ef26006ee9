/**
 * Fast TreeSHAP v2 (Yang 2021, arXiv:2109.09847): per-leaf tables of subset weights, prepared once per ensemble, so a
 * row costs O(L·D) per tree instead of Algorithm 2's O(L·D²).
 */

// Module-level copies of globals: under jest every global read in a hot loop costs ~0.5 µs.
const isMissing = Number.isNaN;

/*
 * By linearity the path-dependent game of a tree is the sum of its leaves' games. A leaf whose path
 * splits on the distinct features F (|F| = D; repeated splits on one feature merge into one player,
 * as the reference implementation's unique path does) has v(S) = value · Π_{j∈S} o_j · Π_{j∈F∖S} z_j,
 * where z_j is the product of the cover shares of the path's edges on feature j and o_j ∈ {0, 1}
 * says whether the row follows all of them. With A = {j : o_j = 1}, only S ⊆ A count, and its
 * Shapley values are
 *   i ∈ A: φ_i = value · (1 − z_i) · P · G(A ∖ {i})
 *   i ∉ A: φ_i = −value · P · G(A)
 * with P = Π_{j∈F∖A} z_j and G(B) = Σ_{S⊆B} |S|!(D − |S| − 1)!/D! · Π_{j∈B∖S} z_j. G depends on the
 * leaf and B only, never on the row: that is the table (the paper's matrix S), one entry per subset
 * of F, 2^D per leaf, here scaled by the leaf value. A row needs A and P per leaf; both follow from
 * the parent's along the preorder walk in O(1) per node, so a tree costs O(nodes + Σ_leaves D).
 *
 * Slots: a feature's bit in A is its rank among the distinct features of the path in order of first
 * appearance. A prefix of the path has the same slots for every leaf below it, which is what lets
 * A and P be carried down the walk.
 */

/** A tree with a leaf whose path has more distinct features than this keeps Algorithm 2: at most 32 KiB per leaf. */
export const MAX_TABLE_PLAYERS = 12;

/** The most table bytes one ensemble may hold, whatever the speed: trees past it keep Algorithm 2. */
export const MAX_TABLE_BYTES = 64 * 2 ** 20;

/*
 * Where v2 is faster. A row reads D + 1 scattered entries of every leaf's table, so v2 wins while an
 * ensemble's tables stay in cache and loses once they spill to memory, whatever the depth. Time per
 * row, v2 / Algorithm 2, both forced for every tree, each pair timed in alternation in one process
 * (AMD EPYC, 2 cores shared with other jobs, Node 20; random trees over 40 features; two runs):
 *   tables ≤ 1.9 MiB: 0.52–0.76 at depths 4, 6, 8 and 10
 *   tables 3.7–5 MiB:  0.72–1.54 (depth 12, one tree, 3.7 MiB: 0.74; depth 8, 3.8 MiB: 0.90 and 1.54;
 *                      depth 10, 4.9–5.1 MiB: 1.18–1.42)
 *   tables > 5 MiB:    1.45–3.46 (depth 6, 5.2–5.5 MiB: 1.45–2.25; depth 8, 15–17 MiB: 2.74–3.46;
 *                      depth 12, 14–52 MiB: 1.98–2.72)
 * and on the shipped models (`npm run bench`, tables 25–197 KiB, depth 2–6): 0.56–0.73. Hence the
 * budget below, on the safe side of the first band: trees, in ensemble order, get tables while the
 * ensemble's total stays within it; the rest keep Algorithm 2.
 */
/** The table bytes `auto` gives an ensemble, below which v2 was faster in every measurement. */
export const FAST_TABLE_BUDGET = 2 ** 20;

/** Every tree of an ensemble in preorder in one set of arrays (children are indices into them, −1 at a leaf). */
export interface PreorderNodes {
  feature: Int32Array;
  /** float32 split values, compared with the row rounded to float32. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
  /** cover(node) / (cover(node) + cover(sibling)); NaN below a split whose children have no cover. */
  share: Float64Array;
}

/** The size of a tree's tables: its table entries and its largest leaf game (distinct features on one path). */
export function leafTableSize(nodes: PreorderNodes, root: number): { entries: number; players: number } {
  let entries = 0;
  let players = 0;
  const visit = (node: number, path: number[]): void => {
    if (nodes.left[node] === -1) {
      const d = new Set(path).size;
      players = Math.max(players, d);
      entries += 2 ** d;
      return;
    }
    const next = [...path, nodes.feature[node]];
    visit(nodes.left[node], next);
    visit(nodes.right[node], next);
  };
  visit(root, []);
  return { entries, players };
}

/** Leaf tables for the trees `prepare` was given, explaining a row of them without allocating. */
export class FastTreeShap {
  private readonly nodes: PreorderNodes;

  // Per split: the slot bit of its feature, and the same bit when the feature is new on the path (else 0).
  private readonly bit: Int32Array;
  private readonly newBit: Int32Array;
  /**
   * Per child c, what P is multiplied by on the edge into it, at [4c + 2·taken + inA] (taken: the row goes to c; inA:
   * the parent's feature was in A before the split, or is new there): taken and in A, 1; taken and not, share(c); not
   * taken and in A, z after the edge (share(c) × the feature's earlier z); not taken and not, share(c).
   */
  private readonly factor: Float64Array;
  /** Per split: the next split in preorder, and the first split after its subtree (to skip subtrees with P = 0). */
  private readonly nextSplit: Int32Array;
  private readonly skipTo: Int32Array;
  // Per leaf: its slots at slotFeature / slotOneMinusZero[slotStart .. slotStart + slotCount), its table (−1: none).
  private readonly slotStart: Int32Array;
  private readonly slotCount: Int32Array;
  private readonly tableStart: Int32Array;
  private slotFeature = new Int32Array(0);
  /** 1 − z per slot. */
  private slotOneMinusZero = new Float64Array(0);
  /** value · G(B) per leaf and subset B of its slots. */
  private tables = new Float64Array(0);
  private tableLength = 0;
  private slotLength = 0;

  // Scratch, per node, for the current row: A as a bit set of slots, and P.
  private readonly agrees: Int32Array;
  private readonly weight: Float64Array;

  constructor(nodes: PreorderNodes) {
    this.nodes = nodes;
    const n = nodes.feature.length;
    this.bit = new Int32Array(n);
    this.newBit = new Int32Array(n);
    this.factor = new Float64Array(4 * n);
    this.nextSplit = new Int32Array(n);
    this.skipTo = new Int32Array(n);
    this.slotStart = new Int32Array(n);
    this.slotCount = new Int32Array(n);
    this.tableStart = new Int32Array(n).fill(-1);
    this.agrees = new Int32Array(n);
    this.weight = new Float64Array(n);
  }

  /** Builds the tables of the tree at `root` (its leaf games have at most MAX_TABLE_PLAYERS players). */
  prepare(root: number): void {
    const { left, right, feature, share, value } = this.nodes;
    const slotFeatures: number[] = [];
    const slotZeros: number[] = [];
    const splits: number[] = [];
    const subtreeEnds = new Map<number, number>();
    const visit = (node: number): number => {
      if (left[node] === -1) {
        if (value[node] !== 0) this.addLeaf(node, slotFeatures, slotZeros, value[node]);
        return node + 1;
      }
      splits.push(node);
      const f = feature[node];
      const found = slotFeatures.indexOf(f);
      const slot = found === -1 ? slotFeatures.length : found;
      if (slot >= MAX_TABLE_PLAYERS) throw new RangeError(`a path has more than ${MAX_TABLE_PLAYERS} features`);
      this.bit[node] = 1 << slot;
      this.newBit[node] = found === -1 ? 1 << slot : 0;
      const earlier = found === -1 ? 1 : slotZeros[slot];
      let end = node + 1;
      for (const child of [left[node], right[node]]) {
        const zero = share[child] * earlier;
        this.factor[4 * child] = share[child];
        this.factor[4 * child + 1] = zero;
        this.factor[4 * child + 2] = share[child];
        this.factor[4 * child + 3] = 1;
        slotFeatures[slot] = f;
        slotZeros[slot] = zero;
        end = visit(child);
      }
      // Back to the parent's path: drop the slot if this split added it, else restore its z.
      if (found === -1) {
        slotFeatures.pop();
        slotZeros.pop();
      } else slotZeros[slot] = earlier;
      subtreeEnds.set(node, end);
      return end;
    };
    const treeEnd = visit(root);
    // The first split at or after a position (splits are in preorder, ascending), or the tree's end.
    const firstSplitFrom = (position: number) => {
      let lo = 0;
      let hi = splits.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (splits[mid] < position) lo = mid + 1;
        else hi = mid;
      }
      return lo === splits.length ? treeEnd : splits[lo];
    };
    for (const s of splits) {
      this.nextSplit[s] = firstSplitFrom(s + 1);
      this.skipTo[s] = firstSplitFrom(subtreeEnds.get(s)!);
    }
  }

  /** Tabulates value · G(B) for every subset B of the leaf's D slots, from Π_{j∈B} (t + z_j)'s coefficients. */
  private addLeaf(leaf: number, features: number[], zeros: number[], value: number): void {
    const d = features.length;
    const size = 1 << d;
    this.slotStart[leaf] = this.reserveSlots(d);
    this.slotCount[leaf] = d;
    for (let j = 0; j < d; j++) {
      this.slotFeature[this.slotStart[leaf] + j] = features[j];
      this.slotOneMinusZero[this.slotStart[leaf] + j] = 1 - zeros[j];
    }
    // weights[k] = k!(D − k − 1)!/D!, the Shapley weight of a coalition of k of the other players; a coalition of all
    // D is never looked up (some player must be outside A for G(A) to be used).
    const weights = new Float64Array(d + 1);
    weights[0] = 1 / d;
    for (let k = 1; k < d; k++) weights[k] = (weights[k - 1] * k) / (d - k);
    // coefficients[B · (D + 1) + k] = e_{|B|−k}(z_B): Σ over S ⊆ B with |S| = k of Π_{j∈B∖S} z_j.
    const stride = d + 1;
    const coefficients = new Float64Array(size * stride);
    coefficients[0] = 1;
    const start = this.reserveTable(size);
    this.tableStart[leaf] = start;
    const table = this.tables;
    table[start] = value * weights[0];
    for (let b = 1; b < size; b++) {
      const high = 31 - Math.clz32(b);
      const z = zeros[high];
      const from = (b ^ (1 << high)) * stride;
      const to = b * stride;
      let g = 0;
      for (let k = 0; k <= d; k++) {
        const c = z * coefficients[from + k] + (k > 0 ? coefficients[from + k - 1] : 0);
        coefficients[to + k] = c;
        g += weights[k] * c;
      }
      table[start + b] = value * g;
    }
  }

  private reserveSlots(count: number): number {
    const at = this.slotLength;
    this.slotLength += count;
    if (this.slotLength > this.slotFeature.length) {
      const capacity = Math.max(64, 2 * this.slotLength);
      const features = new Int32Array(capacity);
      features.set(this.slotFeature);
      const oneMinusZero = new Float64Array(capacity);
      oneMinusZero.set(this.slotOneMinusZero);
      this.slotFeature = features;
      this.slotOneMinusZero = oneMinusZero;
    }
    return at;
  }

  private reserveTable(count: number): number {
    const at = this.tableLength;
    this.tableLength += count;
    if (this.tableLength > this.tables.length) {
      const grown = new Float64Array(Math.max(1024, 2 * this.tableLength));
      grown.set(this.tables);
      this.tables = grown;
    }
    return at;
  }

  /** Trims the growth room once every tree is prepared. */
  seal(): void {
    this.tables = this.tables.slice(0, this.tableLength);
    this.slotFeature = this.slotFeature.slice(0, this.slotLength);
    this.slotOneMinusZero = this.slotOneMinusZero.slice(0, this.slotLength);
  }

  /** Bytes held by the leaf tables. */
  get tableBytes(): number {
    return this.tables.byteLength;
  }

  /**
   * Adds the row's contributions from the tree at root..end (prepared) to phi; `xf` is the row rounded to float32.
   * A and P of a node's children follow from its own: the child the row takes keeps the slot in A (adding it when the
   * feature is new here) and P unchanged, unless the slot was already out of A, whose z (inside P) then gains this
   * edge's share; the other child drops the slot from A, so P gains the slot's whole z after this edge.
   */
  explainTree(root: number, end: number, xf: Float64Array, phi: Float64Array, phiOffset: number): void {
    const { left, right, feature, threshold, missingLeft } = this.nodes;
    const bit = this.bit;
    const newBit = this.newBit;
    const factor = this.factor;
    const nextSplit = this.nextSplit;
    const skipTo = this.skipTo;
    const agrees = this.agrees;
    const weight = this.weight;

    agrees[root] = 0;
    weight[root] = 1;
    let node = root;
    while (node < end) {
      const p = weight[node];
      // A slot outside A with z = 0: every leaf below has P = 0 (and Algorithm 2 skips the same subtree).
      if (p === 0) {
        node = skipTo[node];
        continue;
      }
      const a = agrees[node];
      const x = xf[feature[node]];
      // 1 when the row goes left, as a number: the direction is as good as random, so it feeds indices, not branches.
      const goLeft = Number(x < threshold[node]) | (Number(isMissing(x)) & missingLeft[node]);
      const kept = a & ~bit[node];
      // The slot's bit as the child the row takes has it: set when it was in A before (or is new here), else 0.
      const held = (a & bit[node]) | newBit[node];
      const inA = (held | -held) >>> 31;
      const l = left[node];
      const r = right[node];
      const aLeft = kept | (held & -goLeft);
      const pLeft = p * factor[4 * l + 2 * goLeft + inA];
      const aRight = kept | (held & (goLeft - 1));
      const pRight = p * factor[4 * r + 2 * (1 - goLeft) + inA];
      if (left[l] === -1) this.explainLeaf(l, aLeft, pLeft, phi, phiOffset);
      else {
        agrees[l] = aLeft;
        weight[l] = pLeft;
      }
      if (left[r] === -1) this.explainLeaf(r, aRight, pRight, phi, phiOffset);
      else {
        agrees[r] = aRight;
        weight[r] = pRight;
      }
      node = nextSplit[node];
    }
  }

  /** A leaf's φ for the row's A (`a`, a bit set of slots) and P (`p`). */
  private explainLeaf(leaf: number, a: number, p: number, phi: Float64Array, phiOffset: number): void {
    const t = this.tableStart[leaf];
    if (t === -1 || p === 0) return;
    const tables = this.tables;
    const slotFeature = this.slotFeature;
    const slotOneMinusZero = this.slotOneMinusZero;
    const s = this.slotStart[leaf];
    const d = this.slotCount[leaf];
    const outside = -p * tables[t + a];
    for (let j = 0; j < d; j++) {
      const b = 1 << j;
      phi[phiOffset + slotFeature[s + j]] +=
        (a & b) !== 0 ? p * slotOneMinusZero[s + j] * tables[t + (a ^ b)] : outside;
    }
  }
}
