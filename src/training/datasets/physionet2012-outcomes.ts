/** The reader of a PhysioNet/CinC 2012 outcomes file (`Outcomes-a.txt`): one row of outcomes per RecordID. */
import { parse } from 'csv-parse/sync';
import { CodedError } from '@/errors/coded-error';

/** An outcomes file the reader refuses: the message names the file and line. */
export class Physionet2012OutcomesError extends CodedError {
  readonly code = 'PHYSIONET2012_OUTCOMES';
}

/** One stay's outcomes; NaN where the file has `-1` (unknown). */
export interface Physionet2012Outcome {
  recordId: string;
  sapsI: number;
  sofa: number;
  /** Days. */
  lengthOfStay: number;
  /** Days from ICU admission to death; NaN (file: -1) when no death is recorded. */
  survival: number;
  /** The target: 1 = died in hospital. */
  inHospitalDeath: 0 | 1;
}

const HEADER = ['RecordID', 'SAPS-I', 'SOFA', 'Length_of_stay', 'Survival', 'In-hospital_death'];

/** Parses an outcomes file's text, in file order. `source` (the file's path) is named in errors. */
export function parseOutcomesFile(text: string, source: string): Physionet2012Outcome[] {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true });
  } catch (err) {
    throw new Physionet2012OutcomesError(`${source}: CSV syntax: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (rows.length === 0 || rows[0].join(',') !== HEADER.join(',')) {
    throw new Physionet2012OutcomesError(`${source}: the first line must be ${HEADER.join(',')}`);
  }
  const seen = new Set<string>();
  return rows.slice(1).map((row, i) => {
    const line = i + 2;
    const recordId = row[0];
    if (!/^\d+$/.test(recordId)) {
      throw new Physionet2012OutcomesError(
        `${source} line ${line}: RecordID must be digits, got ${JSON.stringify(recordId)}`,
      );
    }
    if (seen.has(recordId))
      throw new Physionet2012OutcomesError(`${source} line ${line}: RecordID ${recordId} repeats`);
    seen.add(recordId);
    const [sapsI, sofa, lengthOfStay, survival, death] = row.slice(1).map((text, k) => {
      const value = Number(text);
      if (text === '' || !Number.isFinite(value)) {
        throw new Physionet2012OutcomesError(
          `${source} line ${line}: ${HEADER[k + 1]} is not a number: ${JSON.stringify(text)}`,
        );
      }
      return value === -1 ? NaN : value;
    });
    if (death !== 0 && death !== 1) {
      throw new Physionet2012OutcomesError(`${source} line ${line}: In-hospital_death must be 0 or 1, got ${row[5]}`);
    }
    return { recordId, sapsI, sofa, lengthOfStay, survival, inHospitalDeath: death };
  });
}
