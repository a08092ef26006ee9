/** Carried-forward patient-hour rows, the labelled sepsis dataset, built from a challenge table in one fused pass. */
import { vectorNames } from '@/features/feature-set';
import {
  plausibleRange,
  SEPSIS_CHALLENGE_COLUMNS,
  SEPSIS_COLUMN_TO_FEATURE,
  sepsisFeatureSet,
  type ChallengeColumn,
} from '@/features/sepsis';
import type { Dataset } from '../dataset';
import { ChallengeCsvError, type ChallengeTable } from './sepsis';

// Module-scope copies for the per-value loops, as in the reader (./sepsis.ts): under jest every read
// of a global or an imported binding in a hot loop costs about 0.5 µs.
const NAN = Number.NaN;
const isNaNumber = Number.isNaN;
const COLUMNS: readonly ChallengeColumn[] = [...SEPSIS_CHALLENGE_COLUMNS];
const FEATURES = sepsisFeatureSet;
const WIDTH = COLUMNS.length;
const ICULOS = SEPSIS_CHALLENGE_COLUMNS.indexOf('ICULOS');
const LABEL = SEPSIS_CHALLENGE_COLUMNS.indexOf('SepsisLabel');

export interface SepsisDatasetStats {
  rows: number;
  patients: number;
  /** Hours with SepsisLabel = 1. */
  positiveRows: number;
  /** Patients with any SepsisLabel = 1. */
  septicPatients: number;
  /** Septic patients labelled 1 from their first hour (onset ≤ 6 h after the first recorded hour). */
  septicFromFirstHour: number;
  /** Recorded values blanked as implausible (outside the input's range), by column; empty when kept. */
  blanked: Partial<Record<ChallengeColumn, number>>;
  blankedTotal: number;
}

export interface SepsisDataset extends Dataset {
  /** Patient index of each row, 0..P-1: rows of one patient never straddle a fold. */
  groups: Int32Array;
  /** Patient id of each group. */
  patientIds: string[];
  /** Rows of patient p are [patientOffsets[p], patientOffsets[p + 1]), in hour order. */
  patientOffsets: Int32Array;
  /** ICULOS of each row. */
  iculos: Float64Array;
  /**
   * The raw hourly SepsisLabel (1 from 6 h before onset on), a copy of `y` as built, kept apart so a
   * trainer may relabel `y` while evaluation (the challenge's utility) still reads the original.
   */
  sepsisLabel: Uint8Array;
  stats: SepsisDatasetStats;
  /** The file it came from; null when built from a table in memory. */
  source: { path: string; sha256: string; bytes: number } | null;
}

export type SepsisProgress = { phase: 'read' | 'parse' | 'build'; done: number; total: number };

export interface BuildOptions {
  /**
   * `missing` (default): a recorded value outside its input's plausible range is treated as not recorded,
   * so the last plausible value carries forward and every row is a request the service would accept.
   * `keep`: use the values as recorded.
   */
  implausible?: 'missing' | 'keep';
  onProgress?: (progress: SepsisProgress) => void;
}

/**
 * Carried-forward patient-hour rows of a labelled table. This is `carryForward` (after `blankImplausible`
 * when screening) and `vectorize`, fused to run over the table's columns without building a record per
 * row: the reference path took most of the 10 s budget. The features' own `compute` functions fill the
 * derived columns. Tests check it against the reference path, value for value, on random tables and on
 * set A. It relies on the table's invariants from `parseChallengeCsv` (each patient contiguous, ICULOS
 * present and increasing), which `carryForward` itself would check.
 */
export function buildSepsisDataset(table: ChallengeTable, options: BuildOptions = {}): SepsisDataset {
  if (table.absentColumns.includes('SepsisLabel'))
    throw new ChallengeCsvError('a training table needs the SepsisLabel column');
  const screen = (options.implausible ?? 'missing') === 'missing';
  const featureNames = vectorNames(FEATURES);
  const f = featureNames.length;
  const n = table.rowCount;
  const patients = table.patientIds.length;
  const { values } = table;
  const x = new Float32Array(n * f);
  const y = new Uint8Array(n);
  const groups = new Int32Array(n);
  const iculos = new Float64Array(n);

  const inputNames = FEATURES.inputs.map((s) => s.name);
  const inputs = inputNames.length;
  const column = Int32Array.from(inputNames, (name) => COLUMNS.findIndex((c) => SEPSIS_COLUMN_TO_FEATURE[c] === name));
  const ranges = Array.from(column, (c) => (screen ? plausibleRange(COLUMNS[c]) : null));
  const lo = Float64Array.from(ranges, (r) => r?.min ?? -Infinity);
  const hi = Float64Array.from(ranges, (r) => r?.max ?? Infinity);
  const derived = FEATURES.derived;
  const blankedCounts = new Int32Array(inputs);
  const last = new Float64Array(inputs);
  // The snapshot the `compute` functions read is a view of `last`: a record rebuilt per row (38 keyed
  // stores per hour) cost more than the rest of the build.
  const snapshot: Record<string, number> = {};
  inputNames.forEach((name, i) => Object.defineProperty(snapshot, name, { get: () => last[i], enumerable: true }));
  let septicPatients = 0;
  let septicFromFirstHour = 0;

  for (let p = 0; p < patients; p++) {
    const start = table.patientOffsets[p];
    const end = table.patientOffsets[p + 1];
    last.fill(NAN); // nothing carries over from the previous patient
    for (let r = start; r < end; r++) {
      const base = r * WIDTH;
      const out = r * f;
      for (let i = 0; i < inputs; i++) {
        const v = values[base + column[i]];
        if (!isNaNumber(v)) {
          if (v < lo[i] || v > hi[i]) blankedCounts[i]++;
          else last[i] = v;
        }
        x[out + i] = last[i];
      }
      for (let j = 0; j < derived.length; j++) x[out + inputs + j] = derived[j].compute(snapshot);
      const label = values[base + LABEL];
      if (label !== 0 && label !== 1) {
        throw new ChallengeCsvError(
          `patient ${table.patientIds[p]}, hour ${r - start + 1}: SepsisLabel must be 0 or 1 for training, got ${label}`,
        );
      }
      y[r] = label;
      groups[r] = p;
      iculos[r] = values[base + ICULOS];
    }
    const labels = y.subarray(start, end);
    if (labels.includes(1)) septicPatients++;
    if (labels[0] === 1) septicFromFirstHour++;
    if (options.onProgress && ((p + 1) % 2000 === 0 || p + 1 === patients)) {
      options.onProgress({ phase: 'build', done: p + 1, total: patients });
    }
  }

  const blanked: Partial<Record<ChallengeColumn, number>> = {};
  blankedCounts.forEach((count, i) => {
    if (count > 0) blanked[COLUMNS[column[i]]] = count;
  });
  return {
    featureNames,
    x,
    y,
    groups,
    patientIds: table.patientIds,
    patientOffsets: table.patientOffsets,
    iculos,
    sepsisLabel: y.slice(),
    stats: {
      rows: n,
      patients,
      positiveRows: y.reduce((a, b) => a + b, 0),
      septicPatients,
      septicFromFirstHour,
      blanked,
      blankedTotal: blankedCounts.reduce((a, b) => a + b, 0),
    },
    source: null,
  };
}
