/**
 * Challenge tables for the sepsis dataset tests: CSV text in the challenge layout, and the reference patient-hour rows.
 */
import { vectorize } from '@/features/feature-set';
import {
  blankImplausible,
  carryForward,
  SEPSIS_CHALLENGE_COLUMNS,
  sepsisFeatureSet,
  type ChallengeColumn,
} from '@/features/sepsis';
import { patientRows, type ChallengeTable } from '@/training/datasets/sepsis';
import type { SepsisDataset } from '@/training/datasets/sepsis-patient-hours';

// jest runs the tests in a vm context where each read of a global costs ~0.5 µs: set A's loops use this copy.
const same = Object.is;
export type Hour = Partial<Record<ChallengeColumn, number>>;

/** A CSV in the challenge layout; unspecified columns empty. */
export function csv(
  patients: [string, Hour[]][],
  header: readonly string[] = ['patient_id', ...SEPSIS_CHALLENGE_COLUMNS],
): string {
  const lines = patients.flatMap(([id, hours]) =>
    hours.map((h) =>
      header
        .map((c) => {
          if (c === 'patient_id') return id;
          const v = h[c as ChallengeColumn];
          return v === undefined || Number.isNaN(v) ? '' : String(v);
        })
        .join(','),
    ),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}

export const twoPatients: [string, Hour[]][] = [
  [
    'p1',
    [
      { ICULOS: 1, HR: 80, Age: 70, Gender: 1, HospAdmTime: -2, SepsisLabel: 0 },
      { ICULOS: 2, Temp: 38.25, Age: 70, Gender: 1, HospAdmTime: -2, SepsisLabel: 1 },
    ],
  ],
  ['p2', [{ ICULOS: 3, FiO2: 0.5, Age: 45, Gender: 0, Unit1: 1, SepsisLabel: 0 }]],
];

/** The reference rows: per patient, blankImplausible (unless kept) → carryForward → vectorize. */
export function referenceRow(table: ChallengeTable, p: number, implausible: 'missing' | 'keep'): Float32Array[] {
  const rows = patientRows(table, p).map((r) => (implausible === 'missing' ? blankImplausible(r).row : r));
  return carryForward(rows).map((s) => vectorize(sepsisFeatureSet, s));
}

/** Number of values that differ (NaN equals NaN) between the dataset's rows of patient p and the reference. */
export function mismatches(
  data: SepsisDataset,
  table: ChallengeTable,
  p: number,
  implausible: 'missing' | 'keep',
): number {
  const f = data.featureNames.length;
  let bad = 0;
  referenceRow(table, p, implausible).forEach((expected, k) => {
    const r = data.patientOffsets[p] + k;
    for (let j = 0; j < f; j++) if (!same(data.x[r * f + j], expected[j])) bad++;
  });
  return bad;
}
