/** PhysioNet 2019 stays read from the challenge's gzip CSV as a stream, one patient at a time, stopping early. */
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { CodedError } from '@/errors/coded-error';

/** A file that is not the challenge's CSV as PROVENANCE.md describes it. */
export class PhysioNetFileError extends CodedError {
  readonly code = 'PHYSIONET_FILE';
}

/** One patient's hourly rows, as the file holds them (text, empty = missing), in file order. */
export interface PhysioNetStay {
  patientId: string;
  rows: Record<string, string>[];
  /** The file line of the patient's first row (1 = the header). */
  firstLine: number;
}

export interface StayWindow {
  /** How many patients to yield. */
  patients: number;
  /** Patients to pass over first (from the start of the file). */
  skip?: number;
}

const REQUIRED_COLUMNS = ['patient_id', 'ICULOS'] as const;

/**
 * The patients of a CSV stream (already decompressed), `skip` passed over, then at most `patients` yielded, each once
 * its last row has been read. Reading stops at the first row of the patient after the last one wanted: leaving the
 * loop destroys the stream, so a few patients out of 20,336 cost a few kilobytes, never the whole file.
 */
export async function* staysOfCsv(
  csv: Readable,
  window: StayWindow,
  source = 'the CSV',
): AsyncGenerator<PhysioNetStay> {
  const skip = window.skip ?? 0;
  if (window.patients <= 0) {
    csv.destroy();
    return;
  }
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true, info: true });
  // pipeline hands a read error to the parser (ending the loop with it), and leaving the loop early destroys both.
  const records = pipeline(csv, parser, () => undefined) as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>;
  const seen = new Set<string>();
  let current: PhysioNetStay | null = null;
  let index = -1; // of the current patient, from the start of the file
  let yielded = 0;
  let checkedHeader = false;
  try {
    for await (const { record, info } of records) {
      if (!checkedHeader) {
        const missing = REQUIRED_COLUMNS.filter((c) => !(c in record));
        if (missing.length > 0)
          throw new PhysioNetFileError(`${source}: the header has no ${missing.join(', ')} column`);
        checkedHeader = true;
      }
      const id = record.patient_id;
      if (current && id === current.patientId) {
        current.rows.push(record);
        continue;
      }
      if (current && index >= skip) {
        yield current;
        yielded++;
        if (yielded >= window.patients) return;
      }
      // The replay plays a patient's hours in file order: rows of a patient apart in the file are not one stay.
      if (seen.has(id))
        throw new PhysioNetFileError(`${source} line ${info.lines}: patient ${id} comes back after other patients`);
      seen.add(id);
      index++;
      current = { patientId: id, rows: [record], firstLine: info.lines };
    }
    if (current && index >= skip) yield current;
  } finally {
    parser.destroy();
    csv.destroy();
  }
}

/** The stays of the challenge's gzip CSV at `path` (see staysOfCsv). */
export function readPhysioNet2019Stays(path: string, window: StayWindow): AsyncGenerator<PhysioNetStay> {
  const file = createReadStream(path);
  const csv = pipeline(file, createGunzip(), () => undefined);
  return staysOfCsv(csv, window, path);
}
