/**
 * Population stability index (PSI) of a sample of model vectors against the training distribution of each entry, in
 * the bins fixed at training plus a "missing" bin, with the usual bands.
 */
import { countInBins, type InputReference, type ReferenceDistribution } from './reference-distribution';

/**
 * Share given to an empty bin (in the sample or in training) so that ln(a/e) stays finite. It lies below any share a
 * sample of up to 10,000 requests can show (1/10,000), so it never lifts a bin that holds something, and it caps one
 * emptied 10 % bin's term at (0.1 − 1e-4)·ln(0.1/1e-4) ≈ 0.69: a clear shift, not an infinity that hides the others.
 */
export const PSI_EPSILON = 1e-4;

/** PSI below it: stable. */
export const PSI_WATCH_FROM = 0.1;
/** PSI above it: shift (from PSI_WATCH_FROM up to it: watch). */
export const PSI_SHIFT_ABOVE = 0.25;

export type PsiBand = 'stable' | 'watch' | 'shift';

/**
 * Σ (a_i − e_i)·ln(a_i / e_i) over the bins, from counts (each side turned into shares of its own total); a share of 0
 * is read as `epsilon`. Both sides must have the same bins and at least one count.
 */
export function populationStabilityIndex(
  expected: readonly number[],
  actual: readonly number[],
  epsilon = PSI_EPSILON,
): number {
  if (expected.length !== actual.length) throw new RangeError('expected and actual need the same bins');
  const expectedTotal = expected.reduce((a, b) => a + b, 0);
  const actualTotal = actual.reduce((a, b) => a + b, 0);
  if (!(expectedTotal > 0 && actualTotal > 0)) throw new RangeError('PSI needs counts on both sides');
  let sum = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.max(expected[i] / expectedTotal, epsilon);
    const a = Math.max(actual[i] / actualTotal, epsilon);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

export function psiBand(psi: number): PsiBand {
  if (psi < PSI_WATCH_FROM) return 'stable';
  if (psi <= PSI_SHIFT_ABOVE) return 'watch';
  return 'shift';
}

export interface InputDrift {
  name: string;
  psi: number;
  band: PsiBand;
  /** Share of the sample where the entry was missing. */
  missingShare: number;
  /** Share of the training rows where it was missing. */
  trainingMissingShare: number;
}

/** One entry's drift: its sample values counted in its training bins, the missing bin last on both sides. */
export function inputDrift(reference: InputReference, values: Iterable<number | null>): InputDrift {
  const { counts, missing } = countInBins(reference.edges, values);
  const total = counts.reduce((a, b) => a + b, 0) + missing;
  const trainingTotal = reference.counts.reduce((a, b) => a + b, 0) + reference.missing;
  const psi = populationStabilityIndex([...reference.counts, reference.missing], [...counts, missing]);
  return {
    name: reference.name,
    psi,
    band: psiBand(psi),
    missingShare: missing / total,
    trainingMissingShare: reference.missing / trainingTotal,
  };
}

/**
 * Every entry's drift for a sample of vectors in the reference's order (null = missing), highest PSI first. A vector of
 * another length (another version of the model) is a caller's error.
 */
export function vectorDrift(reference: ReferenceDistribution, vectors: readonly (readonly (number | null)[])[]) {
  const width = reference.inputs.length;
  for (const v of vectors)
    if (v.length !== width) throw new RangeError(`a vector of ${v.length} entries for a ${width}-entry reference`);
  return reference.inputs
    .map((input, j) => inputDrift(input, columnOf(vectors, j)))
    .sort((a, b) => b.psi - a.psi || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function* columnOf(vectors: readonly (readonly (number | null)[])[], j: number): Generator<number | null> {
  for (const v of vectors) yield v[j];
}
