/**
 * `npm run score`: scores a CSV with a shipped model, writing probability, decision, risk band and per-feature
 * contributions per row (or per patient-hour).
 */
import { open, readFile, stat } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { loadEnvironment } from '@/config/environment';
import type { ModelCard } from '@/inference/model-card';
import { loadModel, type LoadedModel } from '@/inference/model-registry';
import { ExplainPool } from '@/prediction/explain-pool';
import { validateInputs } from '@/prediction/input-validation';
import { scoreVectors, vectorizeRows, type ScoringOptions } from '@/prediction/scoring';
import { PATIENT_ID_COLUMN } from './datasets/sepsis';
import { isGzipFile } from './datasets/sepsis-stream';
import { checkScoreColumns, ScoreColumnsError } from './score-columns';
import { hourlyOutputRows, type HourlyTally } from './score-hourly';
import { scoredRow, writeScoreOutput, type OutputRow } from './score-output';
import { ScoreProblems } from './score-problems';
import { recordOutputRows, ScoreInputError, type RecordTally } from './score-records';

export interface ScoreOptions {
  modelId: string;
  input: string;
  output: string;
  modelsDir: string;
  log: (line: string) => void;
}

/** A file scored, as the summary line tells it. */
interface Scored {
  rows: number;
  /** Input columns copied to the output that are not features, named in the summary so a misnamed feature shows. */
  passThrough: string[];
}

export async function scoreCommand(options: ScoreOptions): Promise<number> {
  const model = await loadModel(options.modelsDir, options.modelId);
  // Worker threads explain the batches large enough to gain from them (EXPLAIN_POOL_SIZE, one per core by default),
  // started by the first such batch: a file of a few rows does not wait for them.
  const explainPool = ExplainPool.create({
    size: loadEnvironment().EXPLAIN_POOL_SIZE,
    modelsDir: options.modelsDir,
    preload: [model],
    lazy: true,
    onFallback: ({ rows, error }) =>
      options.log(
        `warning: a worker thread could not explain ${rows} rows (${error instanceof Error ? error.message : String(error)}); the main thread did`,
      ),
  });
  const scoring: ScoringOptions = { explainPool };
  try {
    const { card } = model;
    const scored = (await isDirectory(options.input))
      ? await scoreRecordDirectory(model, options, scoring)
      : (await isChallengeFile(card, options.input))
        ? await scoreChallengeFile(model, options, scoring)
        : await scoreTabularFile(model, options, scoring);
    const copied =
      scored.passThrough.length > 0
        ? `; copied through (not features): ${scored.passThrough.map((c) => `\`${c}\``).join(', ')}`
        : '';
    options.log(
      `scored ${scored.rows} rows with ${card.id} ${card.version} (threshold ${card.threshold.value}; contributions in log-odds) → ${options.output}${copied}`,
    );
    return scored.rows;
  } finally {
    await explainPool?.close();
    await model.onnx.release();
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

/** A sepsis file in the challenge's hourly format: patient_id plus the original columns. */
async function isChallengeFile(card: ModelCard, path: string): Promise<boolean> {
  if (card.id !== 'sepsis') return false;
  if (await isGzipFile(path)) return true; // only the challenge format comes compressed
  return (await firstLine(path))
    .split(',')
    .map((c) => c.trim().replace(/^"|"$/g, ''))
    .includes(PATIENT_ID_COLUMN);
}

/** The file's text up to its first `\n`, read a block at a time (the file may be larger than memory). */
async function firstLine(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const blocks: Buffer[] = [];
    for (let position = 0; ;) {
      const block = Buffer.alloc(64 * 1024);
      const { bytesRead } = await file.read(block, 0, block.length, position);
      const end = block.subarray(0, bytesRead).indexOf(0x0a);
      blocks.push(block.subarray(0, end === -1 ? bytesRead : end));
      if (end !== -1 || bytesRead === 0) return Buffer.concat(blocks).toString('utf8');
      position += bytesRead;
    }
  } finally {
    await file.close();
  }
}

/**
 * Every patient-hour of a challenge file, carried forward exactly as in training, streamed to the output patient by
 * patient (score-hourly.ts); the output appears only if the whole file was valid.
 */
async function scoreChallengeFile(model: LoadedModel, options: ScoreOptions, scoring: ScoringOptions): Promise<Scored> {
  const tally: HourlyTally = { rows: 0, blanked: 0 };
  await writeScoreOutput(options.output, hourlyOutputRows(model, options.input, tally, scoring));
  if (tally.blanked > 0)
    options.log(
      `${tally.blanked} recorded values outside their plausible ranges were treated as not recorded, as in training`,
    );
  return { rows: tally.rows, passThrough: [] };
}

/**
 * One row per stay of a directory of record files, for a model that reads a stay's course (score-records.ts); the
 * output appears only if every file was valid.
 */
async function scoreRecordDirectory(
  model: LoadedModel,
  options: ScoreOptions,
  scoring: ScoringOptions,
): Promise<Scored> {
  if (!model.timeline) {
    throw new ScoreInputError(
      `model "${model.card.id}" takes rows, not a stay's course: --input must be a CSV file, and ${options.input} is a directory`,
    );
  }
  const tally: RecordTally = { stays: 0, leftOut: {} };
  await writeScoreOutput(options.output, recordOutputRows(model, options.input, tally, undefined, scoring));
  const leftOut = Object.entries(tally.leftOut);
  if (leftOut.length > 0) {
    options.log(
      `${leftOut.reduce((n, [, count]) => n + count, 0)} observations outside what their codes take were left out, as in training (${leftOut.map(([code, count]) => `${code} ${count}`).join(', ')})`,
    );
  }
  return { rows: tally.stays, passThrough: [] };
}

/**
 * One row per CSV record whose columns are the card's feature names (empty = missing); other columns are copied through.
 * The header is checked first, so a misspelled or absent column is one error for the file rather than a silent
 * "missing" in every row, or one error per row. The file is read whole: tabular inputs are rows typed or exported by
 * people (hundreds to thousands), unlike the hourly files above.
 */
async function scoreTabularFile(model: LoadedModel, options: ScoreOptions, scoring: ScoringOptions): Promise<Scored> {
  const { card } = model;
  const { input: path, log } = options;
  if (card.features.length === 0) {
    throw new ScoreInputError(
      `model "${card.id}" reads a stay's course: --input must be a directory of record files (Time,Parameter,Value), and ${path} is not one`,
    );
  }
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
  const problems = new ScoreProblems();
  const inputs = records.map((record, i) => {
    const values = card.features
      .filter((f) => f.name in record)
      .map((f) => ({ name: f.name, value: record[f.name] === '' ? null : Number(record[f.name]) }));
    const checked = validateInputs(card.features, values);
    // Row numbers count the header as line 1, as a spreadsheet shows them.
    for (const e of checked.errors) problems.add(i + 2, `line ${i + 2}: ${e.name}`, e.message);
    return checked.inputs;
  });
  if (problems.any) throw problems.error();
  const vectors = vectorizeRows(model, inputs);
  const passthrough = records.map((record) =>
    Object.fromEntries(Object.entries(record).filter(([name]) => !card.features.some((f) => f.name === name))),
  );
  const rows: OutputRow[] = await scoreVectors(
    model,
    vectors,
    (scored, i) => scoredRow(model.vectorNames, passthrough[i], scored),
    scoring,
  );
  await writeScoreOutput(options.output, rows);
  return { rows: rows.length, passThrough: columns.passThrough };
}
