/** The permutation weights of a TreeSHAP path: the ratios EXTEND and UNWIND multiply by, and UNWIND itself. */

/**
 * The integer ratios EXTEND and UNWIND multiply by, for a path whose last element is l and an
 * element i < l, tabulated at [l · size + i]: the recursion then multiplies instead of dividing.
 */
export interface PathRatios {
  size: number;
  /** (i + 1) / (l + 1) */
  up: Float64Array;
  /** (l − i) / (l + 1) */
  stay: Float64Array;
  /** (l + 1) / (i + 1) */
  undoUp: Float64Array;
  /** (l + 1) / (l − i) */
  undoStay: Float64Array;
  /** (i + 1) / (l − i) */
  upOverStay: Float64Array;
}

export function pathRatios(size: number): PathRatios {
  const r: PathRatios = {
    size,
    up: new Float64Array(size * size),
    stay: new Float64Array(size * size),
    undoUp: new Float64Array(size * size),
    undoStay: new Float64Array(size * size),
    upOverStay: new Float64Array(size * size),
  };
  for (let l = 0; l < size; l++) {
    for (let i = 0; i < l; i++) {
      r.up[l * size + i] = (i + 1) / (l + 1);
      r.stay[l * size + i] = (l - i) / (l + 1);
      r.undoUp[l * size + i] = (l + 1) / (i + 1);
      r.undoStay[l * size + i] = (l + 1) / (l - i);
      r.upOverStay[l * size + i] = (i + 1) / (l - i);
    }
  }
  return r;
}

/*
 * In path-dependent TreeSHAP a one fraction is a product of "does the row go this way" indicators,
 * so it is exactly 0 or 1: the helpers below test `one !== 0` and never divide by it.
 */

/**
 * UNWIND: remove the element with fractions (zero, one) from the weights at `s` of a path whose last element is `l`.
 */
export function unwindPath(w: Float64Array, s: number, l: number, zero: number, one: number, ratios: PathRatios): void {
  const row = l * ratios.size;
  if (one !== 0) {
    const undoUp = ratios.undoUp;
    const stay = ratios.stay;
    let next = w[s + l];
    for (let i = l - 1; i >= 0; i--) {
      const kept = w[s + i];
      const x = next * undoUp[row + i];
      w[s + i] = x;
      next = kept - x * zero * stay[row + i];
    }
  } else {
    const undoStay = ratios.undoStay;
    const perZero = 1 / zero;
    for (let i = l - 1; i >= 0; i--) w[s + i] *= undoStay[row + i] * perZero;
  }
}
