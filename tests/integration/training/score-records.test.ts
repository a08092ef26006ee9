/**
 * Specification of `npm run score` for a model that reads a stay's course: a directory of PhysioNet 2012 record files
 * scored with a fixture icu-mortality model (a small GBDT fitted here on 300 set-a stays, exported to ONNX, with a
 * card whose `timeline` names the icu-mortality function), row for row as direct scoring through scoreVectors; a bad
 * file named by file and line, and nothing written on refusal.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InvalidInputError } from '@/errors/invalid-input';
import { DEFAULT_WINDOW_MINUTES, icuMortalityFeatures, icuMortalityVector } from '@/features/icu-mortality';
import { ICU_MORTALITY_OBSERVATIONS } from '@/features/icu-mortality-observations';
import { validateObservations } from '@/features/timeline';
import { loadModel, type LoadedModel } from '@/inference/model-registry';
import { scoreVectors } from '@/prediction/scoring';
import { parseOutcomesFile } from '@/training/datasets/physionet2012-outcomes';
import { parseRecordFile } from '@/training/datasets/physionet2012-record';
import { fitGradientBoosting } from '@/training/gbdt/gradient-boosting';
import { exportOnnx, ONNX_INPUT_NAME, ONNX_PROBABILITY_OUTPUT } from '@/training/onnx-export';
import { scoreCommand } from '@/training/score-command';
import { writeScoreOutput, type OutputRow } from '@/training/score-output';
import { recordOutputRows, ScoreInputError, type RecordTally } from '@/training/score-records';
import { npmRun } from '../../support/npm-script';

const ROOT = join(__dirname, '..', '..', '..');
const SET_A = join(ROOT, 'data', 'physionet2012', 'set-a');
const FILES = readdirSync(SET_A)
  .filter((f) => f.endsWith('.txt'))
  .sort();
const FEATURES = icuMortalityFeatures();
const NAMES = FEATURES.map((f) => f.name);
const work = mkdtempSync(join(tmpdir(), 'score-records-'));
const modelsDir = join(work, 'models');

/** A stay's vector as training builds it: the reader, the validation's accepted observations, the 48-h window. */
function trainingVector(path: string): { recordId: string; vector: Float64Array } {
  const record = parseRecordFile(readFileSync(path, 'utf8'), path);
  const { observations } = validateObservations(ICU_MORTALITY_OBSERVATIONS, record.observations);
  return { recordId: record.recordId, vector: icuMortalityVector(observations, DEFAULT_WINDOW_MINUTES) };
}

/** models/icu-mortality: a GBDT on the first 300 set-a stays' vectors, its ONNX file and a card with a timeline. */
function writeFixtureModel(): void {
  const outcomes = new Map(
    parseOutcomesFile(readFileSync(join(ROOT, 'data', 'physionet2012', 'Outcomes-a.txt'), 'utf8'), 'Outcomes-a').map(
      (o) => [o.recordId, o.inHospitalDeath],
    ),
  );
  const stays = FILES.slice(0, 300).map((f) => trainingVector(join(SET_A, f)));
  const x = new Float32Array(stays.length * NAMES.length);
  stays.forEach((s, i) => x.set(s.vector, i * NAMES.length));
  const y = Uint8Array.from(stays, (s) => outcomes.get(s.recordId)!);
  const { ensemble } = fitGradientBoosting(
    { featureNames: NAMES, x, y },
    {
      rounds: 15,
      learningRate: 0.2,
      maxDepth: 3,
      minChildWeight: 1,
      lambda: 1,
      gamma: 0,
      subsample: 1,
      colsample: 1,
      maxBins: 32,
      seed: 3,
    },
  );
  const onnx = exportOnnx(ensemble, { modelId: 'icu-mortality', version: '0.0.0-fixture', featureNames: NAMES });
  const template = JSON.parse(readFileSync(join(ROOT, 'models', 'heart-failure', 'card.json'), 'utf8'));
  const card = {
    ...template,
    id: 'icu-mortality',
    name: 'ICU mortality (test fixture)',
    version: '0.0.0-fixture',
    features: [],
    derivedFeatures: FEATURES.map(({ name, label, unit, description }) => ({ name, label, unit, description })),
    timeline: {
      function: 'icu-mortality',
      windowMinutes: DEFAULT_WINDOW_MINUTES,
      observations: ICU_MORTALITY_OBSERVATIONS,
    },
    onnx: {
      file: 'model.onnx',
      sha256: createHash('sha256').update(onnx).digest('hex'),
      inputName: ONNX_INPUT_NAME,
      probabilityOutput: ONNX_PROBABILITY_OUTPUT,
      trees: ensemble.trees.length,
    },
    threshold: { value: 0.2, rule: 'fixture' },
    riskBands: { moderateFrom: 0.1, highFrom: 0.2, rule: 'fixture' },
    globalImportance: [],
  };
  mkdirSync(join(modelsDir, 'icu-mortality'), { recursive: true });
  writeFileSync(join(modelsDir, 'icu-mortality', 'model.onnx'), onnx);
  writeFileSync(join(modelsDir, 'icu-mortality', 'card.json'), JSON.stringify(card, null, 2));
}

/** A directory holding copies of set-a record files. */
function recordDir(name: string, files: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const f of files) copyFileSync(join(SET_A, f), join(dir, f));
  return dir;
}

const readCsv = (path: string): Record<string, string>[] =>
  parse(readFileSync(path), { columns: true, skip_empty_lines: true });

const quiet = () => undefined;
const score = (input: string, output: string, modelId = 'icu-mortality') =>
  scoreCommand({ modelId, input, output, modelsDir, log: quiet });

// 45 stays: 20 the fixture was fitted on, 25 it never saw, among them 140501 and 140936, which hold no time series.
const SCORED = [...FILES.slice(280, 300), ...FILES.slice(3000, 3023), '140501.txt', '140936.txt'].sort();
let model: LoadedModel;
let input: string;

beforeAll(async () => {
  writeFixtureModel();
  model = await loadModel(modelsDir, 'icu-mortality');
  input = recordDir('stays', SCORED);
});

afterAll(async () => {
  await model?.onnx.release();
  rmSync(work, { recursive: true, force: true });
});

describe('npm run score -- --model icu-mortality --input DIR', () => {
  it('writes one row per stay in file-name order, equal to the stays scored directly through scoreVectors', async () => {
    const output = join(work, 'scored.csv');
    expect(await score(input, output)).toBe(SCORED.length);
    const rows = readCsv(output);
    const width = NAMES.length;
    const direct = SCORED.map((f) => trainingVector(join(input, f)));
    const vectors = new Float32Array(direct.length * width);
    direct.forEach((d, i) => vectors.set(d.vector, i * width));
    const expected = await scoreVectors(model, vectors, (scored, i) => ({
      RecordID: direct[i].recordId,
      probability: scored.probability.toFixed(6),
      positive: scored.positive ? '1' : '0',
      risk_band: scored.riskBand,
      base_value: scored.baseValue.toFixed(6),
      ...Object.fromEntries(NAMES.map((n, j) => [`contribution_${n}`, scored.contributions[j].toFixed(6)])),
    }));
    expect(Object.keys(rows[0])).toEqual([
      'RecordID',
      'probability',
      'positive',
      'risk_band',
      'base_value',
      ...NAMES.map((n) => `contribution_${n}`),
    ]);
    expect(rows).toEqual(expected);
    expect(rows.map((r) => `${r.RecordID}.txt`)).toEqual(SCORED);
    // The fixture separates: not every stay gets the same score.
    expect(new Set(rows.map((r) => r.probability)).size).toBeGreaterThan(5);
  });

  it('gives the same rows whatever the batch size', async () => {
    const collect = async (batch: number) => {
      const rows: OutputRow[] = [];
      const tally: RecordTally = { stays: 0, leftOut: {} };
      for await (const row of recordOutputRows(model, input, tally, batch)) rows.push(row);
      return { rows, tally };
    };
    const whole = await collect(1000);
    for (const batch of [1, 7, 45]) expect(await collect(batch)).toEqual(whole);
    expect(whole.tally.stays).toBe(SCORED.length);
  });

  it('refuses a directory with a bad file, naming the file and line, and writes nothing', async () => {
    const dir = recordDir('one-bad', SCORED.slice(0, 10));
    const bad = join(dir, SCORED[3]);
    const lines = readFileSync(bad, 'utf8').split('\n');
    lines[4] = '00:7x,HR,80';
    writeFileSync(bad, lines.join('\n'));
    const unknown = join(dir, SCORED[6]);
    writeFileSync(unknown, `${readFileSync(unknown, 'utf8')}47:00,Pulse,80\n`);
    const output = join(work, 'refused.csv');
    const refusal = await score(dir, output).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(InvalidInputError);
    expect((refusal as InvalidInputError).fields).toEqual([
      { name: `${bad} line 5`, message: 'time must be hh:mm, got "00:7x"' },
      {
        name: `${unknown} line ${readFileSync(unknown, 'utf8').trimEnd().split('\n').length}`,
        message: 'unknown parameter "Pulse"',
      },
    ]);
    expect(existsSync(output)).toBe(false);
    expect(readdirSync(work).filter((f) => f.includes('refused'))).toEqual([]);
  });

  it('refuses two files holding one RecordID, and lists 20 problems then counts the files of the rest', async () => {
    const dir = recordDir('twice', SCORED.slice(0, 2));
    copyFileSync(join(dir, SCORED[0]), join(dir, 'copy.txt'));
    const twice = await score(dir, join(work, 'twice.csv')).catch((e: InvalidInputError) => e);
    expect((twice as InvalidInputError).fields).toEqual([
      {
        name: join(dir, 'copy.txt'),
        message: `RecordID ${SCORED[0].replace('.txt', '')} is also the stay of ${join(dir, SCORED[0])}`,
      },
    ]);
    const many = join(work, 'many');
    mkdirSync(many);
    for (let i = 0; i < 25; i++) writeFileSync(join(many, `${String(i).padStart(2, '0')}.txt`), 'Time,Parameter\n');
    const refused = await score(many, join(work, 'many.csv')).catch((e: InvalidInputError) => e);
    const { fields } = refused as InvalidInputError;
    expect(fields).toHaveLength(21);
    expect(fields[0]).toEqual({ name: join(many, '00.txt'), message: 'the first line must be Time,Parameter,Value' });
    expect(fields[20]).toEqual({ name: 'and 5 more', message: 'not listed (files 21 to 25 in name order)' });
    expect(existsSync(join(work, 'many.csv'))).toBe(false);
  });

  it('refuses a directory without record files, a CSV for a course model, and a directory for a tabular model', async () => {
    const empty = join(work, 'empty');
    mkdirSync(empty);
    await expect(score(empty, join(work, 'e.csv'))).rejects.toThrow(ScoreInputError);
    const csv = join(work, 'rows.csv');
    writeFileSync(csv, 'Age\n70\n');
    await expect(score(csv, join(work, 'c.csv'))).rejects.toThrow(/reads a stay's course: --input must be a directory/);
    await expect(
      scoreCommand({
        modelId: 'diabetes',
        input,
        output: join(work, 'd.csv'),
        modelsDir: join(ROOT, 'models'),
        log: quiet,
      }),
    ).rejects.toThrow(/model "diabetes" takes rows, not a stay's course/);
  });

  it('runs as the README shows it: npm run score -- --model icu-mortality --input DIR --output FILE.csv', async () => {
    const output = join(work, 'cli.csv');
    const run = await npmRun('score', [
      '--model',
      'icu-mortality',
      '--input',
      input,
      '--output',
      output,
      '--models',
      modelsDir,
    ]);
    expect(run.stderr).toMatch(/scored 45 rows with icu-mortality 0\.0\.0-fixture/);
    expect(run.code).toBe(0);
    await writeScoreOutput(join(work, 'direct.csv'), recordOutputRows(model, input, { stays: 0, leftOut: {} }));
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(work, 'direct.csv'), 'utf8'));
  });
});
