/**
 * `npm run score` for a challenge hourly file: patient by patient, carried forward as in training, scored in batches of
 * whole patients and handed on as output rows, so memory is bounded by a batch rather than by the file.
 */
import { fitsKind } from '@/features/feature-set';
import { blankImplausible, carryForward } from '@/features/sepsis';
import type { LoadedModel } from '@/inference/model-registry';
import { mustBe } from '@/prediction/input-validation';
import { scoreVectors, vectorizeInto, type ScoringOptions } from '@/prediction/scoring';
import { streamChallengePatients } from './datasets/sepsis-stream';
import { ScoreProblems } from './score-problems';
import { scoredRow, type OutputRow } from './score-output';

/**
 * Rows per onnxruntime run: large enough that a run's fixed cost vanishes, small enough that a batch's vectors,
 * identities and output rows stay a few megabytes. A batch is whole patients, so it may end a stay's length above.
 */
const BATCH_ROWS = 5000;

/** What the file held besides its rows, known once it was read to the end. */
export interface HourlyTally {
  rows: number;
  /** Recorded values outside their plausible ranges, treated as not recorded (as in training). */
  blanked: number;
}

/**
 * Output rows for every patient-hour of the file, in file order; `tally` is complete when the generator ends. A
 * refused file throws, after rows may have been handed on: the caller must then discard them (writeScoreOutput does).
 * After a value its kind cannot take, nothing more is scored, but the file is read to the end so every problem is
 * counted, as when the whole file was read first (and a malformed line further on refuses it for that instead).
 */
export async function* hourlyOutputRows(
  model: LoadedModel,
  path: string,
  tally: HourlyTally,
  scoring: ScoringOptions = {},
): AsyncGenerator<OutputRow> {
  const { featureSet, vectorNames } = model;
  const problems = new ScoreProblems();
  const width = vectorNames.length;
  let vectors = new Float32Array(BATCH_ROWS * width);
  let identity: Record<string, string>[] = [];
  const flush = async () => {
    const rows = identity;
    identity = [];
    return scoreVectors(
      model,
      vectors.subarray(0, rows.length * width),
      (scored, i) => scoredRow(vectorNames, rows[i], scored),
      scoring,
    );
  };
  for await (const patient of streamChallengePatients(path, { requireLabel: false })) {
    const hours = patient.rows.map((row) => {
      const cleaned = blankImplausible(row);
      tally.blanked += cleaned.blanked.length;
      return cleaned.row;
    });
    if ((identity.length + hours.length) * width > vectors.length) {
      // A stay longer than a batch: the buffer takes it whole.
      const grown = new Float32Array((identity.length + hours.length) * width);
      grown.set(vectors.subarray(0, identity.length * width));
      vectors = grown;
    }
    carryForward(hours).forEach((snapshot, h) => {
      const hour = hours[h].ICULOS;
      // A value its kind cannot take (Gender 0.5, a fractional ICULOS) is not implausible but nonsense:
      // refused, as the API refuses it, rather than scored.
      for (const spec of featureSet.inputs) {
        const value = (snapshot as Readonly<Record<string, number>>)[spec.name];
        if (!Number.isNaN(value) && !fitsKind(spec, value)) {
          // Counted as before streaming: data rows from line 2 (the file's line when it has no blank lines).
          const line = patient.firstRow + h + 2;
          problems.add(
            line,
            `line ${line} (patient ${patient.id}, hour ${hour}): ${spec.name}`,
            `${mustBe(spec)}; got ${value}`,
          );
        }
      }
      if (problems.any) return; // the file is refused: vectors would be thrown away
      vectorizeInto(model, snapshot, vectors, identity.length);
      identity.push({ patient_id: patient.id, ICULOS: String(hour) });
    });
    tally.rows += hours.length;
    if (problems.any) identity = [];
    else if (identity.length >= BATCH_ROWS) yield* await flush();
  }
  if (problems.any) throw problems.error();
  if (identity.length > 0) yield* await flush();
}
