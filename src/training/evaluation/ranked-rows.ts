/**
 * Rows sorted once by descending score and cut into blocks of equal score: what every ranking sweep and the fast
 * bootstrap share.
 */

/**
 * Rows sorted by descending score and cut into blocks of equal score: the one sort every ranking metric reuses.
 * Labels and scores are copied into sorted order so the sweeps (and bootstrap replicates) read memory sequentially.
 */
export interface RankedRows {
  /** Labels in sorted order. */
  y: Uint8Array;
  /** Scores, highest first. */
  scores: Float64Array;
  /** order[k] is the original row at sorted position k. */
  order: Uint32Array;
  /** Exclusive end position of each block of equal scores (highest block first). */
  blockEnds: Uint32Array;
}

/**
 * A native numeric sort of the scores gives the distinct values; each row then finds its block by binary search
 * and a counting sort places it. This is several times faster than sorting row indices with a JS comparator,
 * and rows within a block stay in row order.
 */
export function rank(y: ArrayLike<number>, p: ArrayLike<number>): RankedRows {
  const n = p.length;
  const ascending = Float64Array.from(p).sort();
  const distinct: number[] = [];
  for (let k = n - 1; k >= 0; k--) {
    if (distinct.length === 0 || ascending[k] !== distinct[distinct.length - 1]) distinct.push(ascending[k]);
  }
  const values = Float64Array.from(distinct); // descending
  const blockOfRow = new Uint32Array(n);
  const blockSize = new Uint32Array(values.length);
  for (let i = 0; i < n; i++) {
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (values[mid] > p[i]) lo = mid + 1;
      else hi = mid;
    }
    blockOfRow[i] = lo;
    blockSize[lo]++;
  }
  const blockEnds = new Uint32Array(values.length);
  const next = new Uint32Array(values.length);
  let end = 0;
  for (let b = 0; b < values.length; b++) {
    next[b] = end;
    end += blockSize[b];
    blockEnds[b] = end;
  }
  const order = new Uint32Array(n);
  const ys = new Uint8Array(n);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = blockOfRow[i];
    const k = next[b]++;
    order[k] = i;
    ys[k] = y[i];
    scores[k] = values[b];
  }
  return { y: ys, scores, order, blockEnds };
}

/** Weight of each sorted position: null means every row once; a bootstrap passes how often each row was drawn. */
export type RowWeights = Uint32Array | null;

export function classTotals(ranked: RankedRows, w: RowWeights): { pos: number; neg: number } {
  let pos = 0;
  let neg = 0;
  const { y } = ranked;
  for (let k = 0; k < y.length; k++) {
    const wk = w === null ? 1 : w[k];
    if (y[k] === 1) pos += wk;
    else neg += wk;
  }
  return { pos, neg };
}

/**
 * Visits each distinct score as a threshold, highest first, with the counts of positives (tp) and negatives (fp)
 * scored at or above it: the sweep behind the ROC curve and the best-threshold searches.
 */
export function sweepThresholds(ranked: RankedRows, visit: (tp: number, fp: number, threshold: number) => void): void {
  const { blockEnds, scores } = ranked;
  let tp = 0;
  let fp = 0;
  let start = 0;
  for (let b = 0; b < blockEnds.length; b++) {
    for (let k = start; k < blockEnds[b]; k++) {
      if (ranked.y[k] === 1) tp++;
      else fp++;
    }
    visit(tp, fp, scores[start]);
    start = blockEnds[b];
  }
}
