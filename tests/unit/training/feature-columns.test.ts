import { hideColumns, selectColumns } from '@/training/feature-columns';
import type { Dataset } from '@/training/dataset';

const data: Dataset = {
  featureNames: ['a', 'b', 'c'],
  x: Float32Array.from([1, 2, 3, 4, 5, 6]),
  y: Uint8Array.from([0, 1]),
};

describe('selectColumns', () => {
  it('keeps the named columns in the order named', () => {
    const picked = selectColumns(data, ['c', 'a']);
    expect(picked.featureNames).toEqual(['c', 'a']);
    expect(Array.from(picked.x)).toEqual([3, 1, 6, 4]);
  });

  it('names an unknown feature', () => {
    expect(() => selectColumns(data, ['z'])).toThrow(/unknown feature z/);
  });
});

describe('hideColumns', () => {
  it('hides the columns in every row with share 1 and leaves the input untouched', () => {
    const hidden = hideColumns(data, ['b'], 1, 0);
    expect(Array.from(hidden.x)).toEqual([1, NaN, 3, 4, NaN, 6]);
    expect(data.x[1]).toBe(2);
  });

  it('hides whole rows of the named columns in about the given share, reproducibly', () => {
    const n = 2000;
    const big: Dataset = { featureNames: ['a', 'b'], x: new Float32Array(2 * n).fill(1), y: new Uint8Array(n) };
    const hidden = hideColumns(big, ['a', 'b'], 0.5, 7);
    let rowsHidden = 0;
    for (let r = 0; r < n; r++) {
      expect(Number.isNaN(hidden.x[2 * r])).toBe(Number.isNaN(hidden.x[2 * r + 1]));
      if (Number.isNaN(hidden.x[2 * r])) rowsHidden++;
    }
    expect(rowsHidden / n).toBeGreaterThan(0.45);
    expect(rowsHidden / n).toBeLessThan(0.55);
    expect(hideColumns(big, ['a', 'b'], 0.5, 7).x).toEqual(hidden.x);
  });
});
