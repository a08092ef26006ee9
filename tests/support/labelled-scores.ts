/** Labels and scores for property tests of the classification metrics. */
import fc from 'fast-check';

/** Labels and scores of equal length with both classes; scores on a coarse grid so ties are frequent. */
export const labelledScores = fc
  .array(fc.tuple(fc.constantFrom(0, 1), fc.integer({ min: 0, max: 12 })), { minLength: 2, maxLength: 80 })
  .filter((rows) => rows.some(([y]) => y === 1) && rows.some(([y]) => y === 0))
  .map((rows) => ({ y: rows.map(([y]) => y), p: rows.map(([, s]) => s / 12) }));
