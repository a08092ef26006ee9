/**
 * The output CSV of `npm run score`: written as its rows are produced, under a temporary name beside it, and renamed
 * into place only once every row was written, so a refused input leaves no output (and an earlier output untouched).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { ScoredRow } from '@/prediction/scoring';

/** A row of the output: its columns in order, the header taken from the first row (as csv-stringify does). */
export type OutputRow = Record<string, string | number>;

/**
 * Writes `rows` as CSV with a header line to `path`. If `rows` throws (a refused input), the temporary file is removed
 * and the error rethrown; nothing appears at `path`. The same directory keeps the rename atomic (one file system).
 */
export async function writeScoreOutput(
  path: string,
  rows: Iterable<OutputRow> | AsyncIterable<OutputRow>,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    // pipeline waits for the disk when the stringifier runs ahead of it: memory stays at a few chunks.
    await pipeline(Readable.from(rows), stringify({ header: true }), createWriteStream(temporary));
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The output row of one scored input row: its identifying columns, then the score and its explanation. */
export function scoredRow(
  vectorNames: readonly string[],
  identity: Readonly<Record<string, string>>,
  scored: ScoredRow,
): OutputRow {
  return {
    ...identity,
    probability: scored.probability.toFixed(6),
    decision: scored.positive ? 1 : 0,
    risk_band: scored.riskBand,
    base_value: scored.baseValue.toFixed(6),
    ...Object.fromEntries(vectorNames.map((name, j) => [`contribution_${name}`, scored.contributions[j].toFixed(6)])),
  };
}
