/**
 * `npm run score` for a model that reads a stay's course, from a directory of record files (`Time,Parameter,Value`,
 * one stay each, as PhysioNet 2012's set-a holds them): one row per stay, scored in batches of stays.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '@/errors/coded-error';
import { validateObservations } from '@/features/timeline';
import type { LoadedModel } from '@/inference/model-registry';
import { courseMoment, vectorizeCourse } from '@/prediction/course';
import { scoreVectors, type ScoredRow, type ScoringOptions } from '@/prediction/scoring';
import { parseRecordFile, Physionet2012RecordError } from './datasets/physionet2012-record';
import type { OutputRow } from './score-output';
import { ScoreProblems } from './score-problems';

/**
 * Stays per onnxruntime run: a batch's output rows (306 cells each for icu-mortality) are the bulk of what is live.
 * Measured on set-a+b (8,000 stays) under a 64 MB old-space limit: 1,000 per batch made the collector thrash (103 s at
 * 48 MB), 256 runs at full speed with peak RSS 169 MB against 158 MB for 500 stays.
 */
export const STAYS_PER_BATCH = 256;
/** Files read at a time: one await per file made reading 4,000 small files latency-bound. */
const READ_AHEAD = 32;

/** An input the record scorer cannot take at all (not a directory of record files, or no such files in it). */
export class ScoreInputError extends CodedError {
  readonly code = 'SCORE_INPUT';
}

/** What the directory held besides its rows, complete once the rows have all been handed on. */
export interface RecordTally {
  stays: number;
  /** Observations validation refuses (outside a code's range, a kind it cannot take), by code: left out, as in training. */
  leftOut: Record<string, number>;
}

/** The record files of a directory: its `*.txt` files (or links to them), in name order (the output's row order). */
export async function recordFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith('.txt'))
    .map((e) => e.name)
    .sort();
  if (files.length === 0) throw new ScoreInputError(`${dir}: no record files (*.txt, one stay each) in it`);
  return files;
}

/** The output row of one stay: its RecordID, the score and its explanation (log-odds). */
export function stayRow(vectorNames: readonly string[], recordId: string, scored: ScoredRow): OutputRow {
  return {
    RecordID: recordId,
    probability: scored.probability.toFixed(6),
    positive: scored.positive ? 1 : 0,
    risk_band: scored.riskBand,
    base_value: scored.baseValue.toFixed(6),
    ...Object.fromEntries(vectorNames.map((name, j) => [`contribution_${name}`, scored.contributions[j].toFixed(6)])),
  };
}

/** A reader's refusal as a problem: `<file> line <n>` (or the file alone) and what is wrong. */
function problemOf(error: Physionet2012RecordError, path: string): { name: string; message: string } {
  const rest = error.message.startsWith(path) ? error.message.slice(path.length) : `: ${error.message}`;
  const m = /^( line \d+)?: ([\s\S]*)$/.exec(rest);
  return m ? { name: `${path}${m[1] ?? ''}`, message: m[2] } : { name: path, message: error.message };
}

/**
 * Output rows for every record file of `dir`, in file-name order; `tally` is complete when the generator ends. Each
 * file is read as training reads it (physionet2012-record.ts, then the timeline validation keeping what it accepts),
 * and its vector is the model's timeline function at the model's window (for a window of null, at the stay's latest
 * observation). A file the reader refuses (or a RecordID met twice) refuses the directory: the problems are named by
 * file and line after every file was read, and rows already handed on must be discarded (writeScoreOutput does).
 */
export async function* recordOutputRows(
  model: LoadedModel,
  dir: string,
  tally: RecordTally,
  staysPerBatch = STAYS_PER_BATCH,
  scoring: ScoringOptions = {},
): AsyncGenerator<OutputRow> {
  const fn = model.timeline;
  if (!fn) throw new ScoreInputError(`model "${model.card.id}" does not read a stay's course`);
  const { vectorNames } = model;
  const width = vectorNames.length;
  const files = await recordFiles(dir);
  const problems = new ScoreProblems((a, b) => `files ${a} to ${b} in name order`);
  const vectors = new Float32Array(staysPerBatch * width);
  const fileOfRecord = new Map<string, string>();
  let ids: string[] = [];
  const flush = async () => {
    const rows = ids;
    ids = [];
    return scoreVectors(
      model,
      vectors.subarray(0, rows.length * width),
      (scored, i) => stayRow(vectorNames, rows[i], scored),
      scoring,
    );
  };
  for (let start = 0; start < files.length; start += READ_AHEAD) {
    const names = files.slice(start, start + READ_AHEAD);
    const texts = await Promise.all(names.map((name) => readFile(join(dir, name), 'utf8')));
    for (let k = 0; k < names.length; k++) {
      const path = join(dir, names[k]);
      let record;
      try {
        record = parseRecordFile(texts[k], path);
      } catch (error) {
        if (!(error instanceof Physionet2012RecordError)) throw error;
        const { name, message } = problemOf(error, path);
        problems.add(start + k + 1, name, message);
        continue;
      }
      const earlier = fileOfRecord.get(record.recordId);
      if (earlier !== undefined) {
        problems.add(start + k + 1, path, `RecordID ${record.recordId} is also the stay of ${earlier}`);
        continue;
      }
      fileOfRecord.set(record.recordId, path);
      tally.stays++;
      const { observations, errors } = validateObservations(fn.observations, record.observations);
      // Field names are `observations[i] (code)`: count the refusals per code.
      for (const e of errors) {
        const code = /\((.*)\)$/.exec(e.name)?.[1] ?? e.name;
        tally.leftOut[code] = (tally.leftOut[code] ?? 0) + 1;
      }
      if (problems.any) continue; // the directory is refused: vectors would be thrown away
      // The step the API and the monitor share: the same vector at the same moment.
      vectors.set(
        vectorizeCourse(model, observations, courseMoment(fn.windowMinutes, observations)),
        ids.length * width,
      );
      ids.push(record.recordId);
      if (ids.length === staysPerBatch) yield* await flush();
    }
  }
  if (problems.any) throw problems.error();
  if (ids.length > 0) yield* await flush();
}
