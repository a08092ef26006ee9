/**
 * `npm run score`: scores a CSV with a shipped model, writing probability, decision, risk band and per-feature
 * contributions per row (or per patient-hour).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import { fitsKind } from '@/features/feature-set';
import { blankImplausible, carryForward } from '@/features/sepsis';
import type { ModelCard } from '@/inference/model-card';
import { loadModel, type LoadedModel } from '@/inference/model-registry';
import { mustBe, validateInputs } from '@/prediction/input-validation';
import { scoreVectors, vectorizeInto, vectorizeRows } from '@/prediction/scoring';
import { PATIENT_ID_COLUMN, patientRows, readChallengeCsv } from './datasets/sepsis';
import { checkScoreColumns, ScoreColumnsError } from './score-columns';

export interface ScoreOptions {
  modelId: string;
  input: string;
  output: string;
  modelsDir: string;
  log: (line: string) => void;
}

/** Rows of a scoring job: the model's vectors, and the columns that identify each row in the output. */
interface ScoringRows {
  vectors: Float32Array;
  identity: Record<string, string>[];
  /** Input columns copied to the output that are not features, named in the summary so a misnamed feature shows. */
  passThrough: string[];
}

export async function scoreCommand(options: ScoreOptions): Promise<number> {
  const model = await loadModel(options.modelsDir, options.modelId);
  try {
    const { card, vectorNames } = model;
    const rows = (await isChallengeFile(card, options.input))
      ? await challengeRows(model, options.input, options.log)
      : await tabularRows(model, options.input, options.log);
    const records = await scoreVectors(model, rows.vectors, (scored, i) => ({
      ...rows.identity[i],
      probability: scored.probability.toFixed(6),
      decision: scored.positive ? 1 : 0,
      risk_band: scored.riskBand,
      base_value: scored.baseValue.toFixed(6),
      ...Object.fromEntries(vectorNames.map((name, j) => [`contribution_${name}`, scored.contributions[j].toFixed(6)])),
    }));
    await writeFile(options.output, stringify(records, { header: true }));
    const copied =
      rows.passThrough.length > 0
        ? `; copied through (not features): ${rows.passThrough.map((c) => `\`${c}\``).join(', ')}`
        : '';
    options.log(
      `scored ${records.length} rows with ${card.id} ${card.version} (threshold ${card.threshold.value}; contributions in log-odds) → ${options.output}${copied}`,
    );
    return records.length;
  } finally {
    await model.onnx.release();
  }
}

/** A sepsis file in the challenge's hourly format: patient_id plus the original columns. */
async function isChallengeFile(card: ModelCard, path: string): Promise<boolean> {
  if (card.id !== 'sepsis') return false;
  const head = (await readFile(path)).subarray(0, 2);
  if (head[0] === 0x1f && head[1] === 0x8b) return true; // gzip: only the challenge format comes compressed
  const firstLine = (await readFile(path, 'utf8')).split('\n', 1)[0];
  return firstLine
    .split(',')
    .map((c) => c.trim().replace(/^"|"$/g, ''))
    .includes(PATIENT_ID_COLUMN);
}

/** Every patient-hour of a challenge file, carried forward exactly as in training. */
async function challengeRows(model: LoadedModel, path: string, log: (line: string) => void): Promise<ScoringRows> {
  const { table } = await readChallengeCsv(path, { requireLabel: false });
  const { featureSet } = model;
  const vectors = new Float32Array(table.rowCount * model.vectorNames.length);
  const identity: Record<string, string>[] = [];
  let blanked = 0;
  const problems: { line: number; name: string; message: string }[] = [];
  for (let p = 0; p < table.patientIds.length; p++) {
    const hours = patientRows(table, p).map((row) => {
      const cleaned = blankImplausible(row);
      blanked += cleaned.blanked.length;
      return cleaned.row;
    });
    carryForward(hours).forEach((snapshot, h) => {
      // A value its kind cannot take (Gender 0.5, a fractional ICULOS) is not implausible but nonsense:
      // refused, as the API refuses it, rather than scored.
      for (const spec of featureSet.inputs) {
        const value = (snapshot as Readonly<Record<string, number>>)[spec.name];
        if (!Number.isNaN(value) && !fitsKind(spec, value)) {
          // The file's line: a patient's hours stand together, after the header.
          const line = identity.length + 2;
          problems.push({
            line,
            name: `line ${line} (patient ${table.patientIds[p]}, hour ${hours[h].ICULOS}): ${spec.name}`,
            message: `${mustBe(spec)}; got ${value}`,
          });
        }
      }
      // Vectorized hour by hour: a whole file's snapshots at once would not fit in memory.
      vectorizeInto(model, snapshot, vectors, identity.length);
      identity.push({ patient_id: table.patientIds[p], ICULOS: String(hours[h].ICULOS) });
    });
  }
  if (problems.length > 0) throw new InvalidInputError(listedProblems(problems));
  if (blanked > 0)
    log(`${blanked} recorded values outside their plausible ranges were treated as not recorded, as in training`);
  return { vectors, identity, passThrough: [] };
}

/**
 * One row per CSV record whose columns are the card's feature names (empty = missing); other columns are copied through.
 * The header is checked first, so a misspelled or absent column is one error for the file rather than a silent
 * "missing" in every row, or one error per row.
 */
async function tabularRows(model: LoadedModel, path: string, log: (line: string) => void): Promise<ScoringRows> {
  const { card } = model;
  let header: string[] = [];
  const records: Record<string, string>[] = parse(await readFile(path), {
    // Taken as the reader sees it (trimmed, without BOM), and also when the file has no rows.
    columns: (names: string[]) => (header = names),
    skip_empty_lines: true,
    trim: true,
    bom: true,
  });
  const columns = checkScoreColumns(header, card);
  if (columns.problems.length > 0) throw new ScoreColumnsError(path, columns.problems);
  for (const warning of columns.warnings) log(`warning: ${warning}`);
  const problems: { line: number; name: string; message: string }[] = [];
  const inputs = records.map((record, i) => {
    const values = card.features
      .filter((f) => f.name in record)
      .map((f) => ({ name: f.name, value: record[f.name] === '' ? null : Number(record[f.name]) }));
    const checked = validateInputs(card.features, values);
    // Row numbers count the header as line 1, as a spreadsheet shows them.
    for (const e of checked.errors)
      problems.push({ line: i + 2, name: `line ${i + 2}: ${e.name}`, message: e.message });
    return checked.inputs;
  });
  if (problems.length > 0) throw new InvalidInputError(listedProblems(problems));
  const vectors = vectorizeRows(model, inputs);
  const passthrough = records.map((record) =>
    Object.fromEntries(Object.entries(record).filter(([name]) => !card.features.some((f) => f.name === name))),
  );
  return { vectors, identity: passthrough, passThrough: columns.passThrough };
}

// A file-wide mistake (mmol/L for mg/dL, say) is wrong in every row: a few rows show it, all of them make a line of
// megabytes.
const LISTED_PROBLEMS = 20;

/** The first problems as they are, then one entry counting the rest and saying which lines they are in. */
function listedProblems(problems: { line: number; name: string; message: string }[]): FieldError[] {
  const listed = problems.slice(0, LISTED_PROBLEMS).map(({ name, message }) => ({ name, message }));
  const rest = problems.slice(LISTED_PROBLEMS);
  if (rest.length === 0) return listed;
  return [
    ...listed,
    { name: `and ${rest.length} more`, message: `not listed (lines ${rest[0].line} to ${rest[rest.length - 1].line})` },
  ];
}
