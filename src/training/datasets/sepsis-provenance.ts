/** What PhysioNet's challenge files are known to hold, and the check that a loaded file still holds it. */
import { CodedError } from '@/errors/coded-error';
import type { SepsisDataset } from './sepsis-patient-hours';

/** A challenge file that differs from its documented facts (data/physionet2019/PROVENANCE.md). */
export class SepsisDataIntegrityError extends CodedError {
  readonly code = 'SEPSIS_DATA_INTEGRITY';
}

/** What PhysioNet's files are known to hold (data/physionet2019/PROVENANCE.md). */
export interface SepsisFileFacts {
  sha256: string;
  bytes: number;
  rows: number;
  patients: number;
  positiveRows: number;
  septicPatients: number;
}

export const KNOWN_SEPSIS_FILES: Readonly<Record<string, SepsisFileFacts>> = {
  'setA.csv.gz': {
    sha256: '5a42c15f166f2ccaf084dfa9e0c3123b88674648fa15030db3413d518d24367d',
    bytes: 11_932_852,
    rows: 790_215,
    patients: 20_336,
    positiveRows: 17_136,
    septicPatients: 1_790,
  },
  'setB.csv.gz': {
    sha256: '393a2f5382bef75a1fe2cde3a769e3ad1085dc5c34e6a1ff687f1e3df78ddb3e',
    bytes: 10_563_403,
    rows: 761_995,
    patients: 20_000,
    positiveRows: 10_780,
    septicPatients: 1_142,
  },
};

/** Every way the loaded file differs from its documented facts; empty when it matches. */
export function provenanceMismatches(data: SepsisDataset, facts: SepsisFileFacts): string[] {
  const actual: SepsisFileFacts = {
    sha256: data.source?.sha256 ?? '',
    bytes: data.source?.bytes ?? NaN,
    rows: data.stats.rows,
    patients: data.stats.patients,
    positiveRows: data.stats.positiveRows,
    septicPatients: data.stats.septicPatients,
  };
  return (Object.keys(facts) as (keyof SepsisFileFacts)[])
    .filter((k) => actual[k] !== facts[k])
    .map((k) => `${k}: expected ${facts[k]}, got ${actual[k]}`);
}
