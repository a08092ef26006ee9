/** The challenge hourly CSV read as a stream, one patient at a time: files larger than memory, in bounded memory. */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { CsvError, parse } from 'csv-parse';
import type { ChallengeRow } from '@/features/sepsis';
import {
  CHALLENGE_ROW_WIDTH,
  ChallengeCsvError,
  ChallengeRecordReader,
  challengeRowAt,
  emptyChallengeCsv,
  type ParseOptions,
} from './sepsis';

const NAN = Number.NaN;

/** One patient's hours, as the file holds them, in hour order. */
export interface ChallengePatient {
  id: string;
  rows: ChallengeRow[];
  /** The patient's first row among the file's data rows (0 = the first row after the header). */
  firstRow: number;
}

/** True when the file starts with gzip's magic bytes (whatever its name), read without reading the rest. */
export async function isGzipFile(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await file.close();
  }
}

/**
 * The patients of a challenge CSV (plain or gzip), each yielded once its last row has been read; what is held at any
 * time is one patient's rows and the ids of the patients met (to refuse a patient whose rows come back later). Every
 * record passes the checks of the whole-file reader (ChallengeRecordReader), which refuse the file with a
 * ChallengeCsvError naming the line; a patient is yielded before later lines are checked, so a caller that must not
 * act on a file refused further on keeps its results aside until the generator ends.
 */
export async function* streamChallengePatients(
  path: string,
  options: Omit<ParseOptions, 'source'> = {},
): AsyncGenerator<ChallengePatient> {
  const source = path;
  const gzip = await isGzipFile(path);
  // The options of the whole-file reader's csv-parse path; with `trim`, a line of blanks is skipped like an empty one.
  // `info` gives each record's line (its last line, for a quoted field spanning lines).
  const parser = parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: true, info: true });
  // pipeline hands a read or gzip error to the parser (ending the loop below with it), and leaving the loop early
  // destroys every stage.
  const ignore = () => undefined;
  const records = gzip
    ? pipeline(createReadStream(path), createGunzip(), parser, ignore)
    : pipeline(createReadStream(path), parser, ignore);
  let reader: ChallengeRecordReader | undefined;
  // The current patient's rows; grown by doubling, it ends as large as the longest stay.
  let values = new Float64Array(64 * CHALLENGE_ROW_WIDTH);
  let held = 0;
  let firstRow = 0;
  let dataRows = 0;
  const rowsHeld = () => Array.from({ length: held }, (_, r) => challengeRowAt(values, r * CHALLENGE_ROW_WIDTH));
  try {
    for await (const { record, info } of records as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (reader === undefined) {
        reader = new ChallengeRecordReader(record, { ...options, source }, 'line');
        continue;
      }
      if ((held + 1) * CHALLENGE_ROW_WIDTH > values.length) {
        const grown = new Float64Array(2 * values.length);
        grown.set(values);
        values = grown;
      }
      const base = held * CHALLENGE_ROW_WIDTH;
      values.fill(NAN, base, base + CHALLENGE_ROW_WIDTH);
      const previousId = reader.patientId;
      if (reader.read(record, info.lines, values, base) && held > 0) {
        // The record just read begins the next patient: yield the one before it, then restart the buffer with it.
        const done: ChallengePatient = { id: previousId, rows: rowsHeld(), firstRow };
        values.copyWithin(0, base, base + CHALLENGE_ROW_WIDTH);
        held = 0;
        firstRow = dataRows;
        yield done;
      }
      held++;
      dataRows++;
    }
  } catch (error) {
    if (error instanceof CsvError) throw new ChallengeCsvError(`${source}: CSV syntax: ${error.message}`);
    throw error;
  } finally {
    records.destroy();
  }
  if (reader === undefined) throw emptyChallengeCsv(source);
  if (held > 0) yield { id: reader.patientId, rows: rowsHeld(), firstRow };
}
