import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { readTreeEnsemble } from '@/explain/onnx-tree-ensemble';
import { predictMargin, sigmoid } from '@/explain/tree-ensemble';
import { vectorize } from '@/features/feature-set';
import { featureSetOfCard } from '@/features/model-features';
import { carryForward, SEPSIS_CHALLENGE_COLUMNS } from '@/features/sepsis';
import { readModelFiles } from '@/inference/model-files';
import { InvalidInputError } from '@/errors/invalid-input';
import { ChallengeCsvError } from '@/training/datasets/sepsis';
import { ScoreColumnsError } from '@/training/score-columns';
import { scoreCommand } from '@/training/score-command';

const dir = mkdtempSync(join(tmpdir(), 'score-'));
const quiet = () => undefined;

/**
 * Probability by the pure evaluator of the ensemble read from the shipped ONNX file: a path independent of onnxruntime.
 */
async function reference(modelId: string, rows: Float32Array[]): Promise<number[]> {
  const { onnx } = await readModelFiles('models', modelId);
  const { ensemble } = readTreeEnsemble(onnx);
  return rows.map((row) => sigmoid(predictMargin(ensemble, row)));
}

describe('npm run score (diabetes, tabular CSV)', () => {
  it('writes probability, decision and risk band per row, copying other columns, with missing cells as missing', async () => {
    const input = join(dir, 'diabetes.csv');
    const output = join(dir, 'diabetes-out.csv');
    writeFileSync(
      input,
      'ref,pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,diabetes_pedigree_function,age\n' +
        'x1,6,148,72,35,,33.6,0.627,50\nx2,1,85,66,29,,26.6,0.351,31\nx3,2,,,,,,0.2,40\n',
    );
    await scoreCommand({ modelId: 'diabetes', input, output, modelsDir: 'models', log: quiet });
    const rows: Record<string, string>[] = parse(readFileSync(output), { columns: true });
    expect(rows.map((r) => r.ref)).toEqual(['x1', 'x2', 'x3']);

    const { card } = await readModelFiles('models', 'diabetes');
    const set = featureSetOfCard(card);
    const expected = await reference('diabetes', [
      vectorize(set, {
        pregnancies: 6,
        glucose: 148,
        blood_pressure: 72,
        skin_thickness: 35,
        insulin: NaN,
        bmi: 33.6,
        diabetes_pedigree_function: 0.627,
        age: 50,
      }),
      vectorize(set, {
        pregnancies: 1,
        glucose: 85,
        blood_pressure: 66,
        skin_thickness: 29,
        insulin: NaN,
        bmi: 26.6,
        diabetes_pedigree_function: 0.351,
        age: 31,
      }),
      vectorize(set, {
        pregnancies: 2,
        glucose: NaN,
        blood_pressure: NaN,
        skin_thickness: NaN,
        insulin: NaN,
        bmi: NaN,
        diabetes_pedigree_function: 0.2,
        age: 40,
      }),
    ]);
    rows.forEach((row, i) => {
      expect(Number(row.probability)).toBeCloseTo(expected[i], 5);
      expect(row.decision).toBe(expected[i] >= card.threshold.value ? '1' : '0');
      expect(['LOW', 'MODERATE', 'HIGH']).toContain(row.risk_band);
    });
  });

  it('adds the base value and one log-odds contribution per feature, summing to the margin', async () => {
    const input = join(dir, 'one.csv');
    const output = join(dir, 'one-out.csv');
    writeFileSync(
      input,
      'pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,diabetes_pedigree_function,age\n3,160,,,,31,0.5,45\n',
    );
    await scoreCommand({ modelId: 'diabetes', input, output, modelsDir: 'models', log: quiet });
    const [row]: Record<string, string>[] = parse(readFileSync(output), { columns: true });
    const { card, onnx } = await readModelFiles('models', 'diabetes');
    const names = card.features.map((f) => f.name);
    expect(Object.keys(row).filter((k) => k.startsWith('contribution_'))).toEqual(
      names.map((n) => `contribution_${n}`),
    );
    const total = Number(row.base_value) + names.reduce((sum, n) => sum + Number(row[`contribution_${n}`]), 0);
    const vector = vectorize(featureSetOfCard(card), {
      pregnancies: 3,
      glucose: 160,
      blood_pressure: NaN,
      skin_thickness: NaN,
      insulin: NaN,
      bmi: 31,
      diabetes_pedigree_function: 0.5,
      age: 45,
    });
    expect(total).toBeCloseTo(predictMargin(readTreeEnsemble(onnx).ensemble, vector), 5);
  });

  it('refuses the whole file, writing nothing, when any row is invalid, naming the line, field and range', async () => {
    const input = join(dir, 'bad.csv');
    const output = join(dir, 'bad-out.csv');
    writeFileSync(input, 'pregnancies,glucose,diabetes_pedigree_function,age\n1,100,0.3,40\n1,900,0.3,\n');
    const run = scoreCommand({ modelId: 'diabetes', input, output, modelsDir: 'models', log: quiet });
    await expect(run).rejects.toThrow(InvalidInputError);
    await expect(run).rejects.toThrow(
      /line 3: glucose: 900 is outside the allowed range 20 to 600 mg\/dL; line 3: age: required/,
    );
    expect(existsSync(output)).toBe(false);
  });
});

describe('npm run score (the header of a tabular CSV)', () => {
  const DIABETES_HEADER =
    'pregnancies,glucose,blood_pressure,skin_thickness,insulin,bmi,diabetes_pedigree_function,age';

  /** Runs the command on `csv`, returning what it logged and whether it wrote an output. */
  async function score(name: string, csv: string, modelId = 'diabetes') {
    const input = join(dir, `${name}.csv`);
    const output = join(dir, `${name}-out.csv`);
    writeFileSync(input, csv);
    const lines: string[] = [];
    const run = scoreCommand({ modelId, input, output, modelsDir: 'models', log: (line) => lines.push(line) });
    return { run, lines, output };
  }

  it('refuses a column misspelled by case, naming both spellings, and scores nothing', async () => {
    const { run, output } = await score(
      'misspelled',
      'id,pregnancies,Glucose,blood_pressure,skin_thickness,insulin,BMI,diabetes_pedigree_function,age\np1,1,85,66,29,,26.6,0.351,31\n',
    );
    await expect(run).rejects.toThrow(ScoreColumnsError);
    await expect(run).rejects.toThrow(
      /column `Glucose` looks like feature `glucose`; rename it to `glucose`; column `BMI` looks like feature `bmi`/,
    );
    expect(existsSync(output)).toBe(false);
  });

  it('refuses a missing required column with one error for the file, however many rows it has', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i % 10},100,0.3`).join('\n');
    const { run, output } = await score('no-age', `pregnancies,glucose,diabetes_pedigree_function\n${rows}\n`);
    const error: unknown = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScoreColumnsError);
    expect((error as ScoreColumnsError).problems).toEqual([
      'model `diabetes` requires column `age`, which the file lacks',
    ]);
    expect((error as Error).message.length).toBeLessThan(200);
    expect(existsSync(output)).toBe(false);
  });

  it('lists the first 20 row problems of a file-wide mistake and counts the rest, rather than one line per row', async () => {
    // Glucose in mmol/L instead of mg/dL: every row is out of range.
    const rows = Array.from({ length: 5000 }, () => '1,7.5,0.3,40').join('\n');
    const { run, output } = await score('mmol', `pregnancies,glucose,diabetes_pedigree_function,age\n${rows}\n`);
    const error: unknown = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    const { fields, message } = error as InvalidInputError;
    expect(fields).toHaveLength(21);
    expect(fields[0]).toEqual({ name: 'line 2: glucose', message: '7.5 is outside the allowed range 20 to 600 mg/dL' });
    expect(fields[20]).toEqual({ name: 'and 4980 more', message: 'not listed (lines 22 to 5001)' });
    expect(message.length).toBeLessThan(2000);
    expect(existsSync(output)).toBe(false);
  });

  it('warns once when the file has none of the optional columns, and still scores it', async () => {
    const { run, lines, output } = await score(
      'required-only',
      'pregnancies,diabetes_pedigree_function,age\n1,0.3,40\n2,0.5,50\n',
    );
    await expect(run).resolves.toBe(2);
    const warnings = lines.filter((l) => l.includes('optional'));
    expect(warnings).toEqual([
      expect.stringMatching(
        /none of model `diabetes`'s optional columns .*every optional input will be treated as missing/,
      ),
    ]);
    expect(existsSync(output)).toBe(true);
  });

  it('names the columns copied through in its summary', async () => {
    const { run, lines } = await score('passthrough', `ref,${DIABETES_HEADER},gluc\nx1,1,85,66,29,,26.6,0.351,31,85\n`);
    await expect(run).resolves.toBe(1);
    expect(lines.filter((l) => l.includes('optional'))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^scored 1 rows with diabetes .*; copied through \(not features\): `ref`, `gluc`$/);
  });

  it('says nothing of copied columns when there are none', async () => {
    const { run, lines } = await score('features-only', `${DIABETES_HEADER}\n1,85,66,29,,26.6,0.351,31\n`);
    await expect(run).resolves.toBe(1);
    expect(lines.at(-1)).not.toMatch(/copied/);
  });
});

describe('npm run score (sepsis, the challenge hourly format)', () => {
  const header = ['patient_id', ...SEPSIS_CHALLENGE_COLUMNS.filter((c) => c !== 'SepsisLabel')];
  /** One patient-hour as a line of the challenge format; columns not given are empty. */
  const hour = (id: string, iculos: number, values: Record<string, number>) =>
    header.map((c) => (c === 'patient_id' ? id : c === 'ICULOS' ? iculos : (values[c] ?? ''))).join(',');

  it('scores every patient-hour from values carried forward within each patient', async () => {
    const input = join(dir, 'hourly.csv');
    const output = join(dir, 'hourly-out.csv');
    writeFileSync(
      input,
      [
        header.join(','),
        hour('p1', 1, { HR: 80, Age: 60, Gender: 1, Lactate: 4 }),
        hour('p1', 2, { HR: 120, SBP: 90, Age: 60, Gender: 1 }),
        hour('p2', 1, { HR: 70, Age: 50, Gender: 0 }),
      ].join('\n') + '\n',
    );
    await scoreCommand({ modelId: 'sepsis', input, output, modelsDir: 'models', log: quiet });
    const rows: Record<string, string>[] = parse(readFileSync(output), { columns: true });
    expect(rows.map((r) => [r.patient_id, r.ICULOS])).toEqual([
      ['p1', '1'],
      ['p1', '2'],
      ['p2', '1'],
    ]);

    const { card } = await readModelFiles('models', 'sepsis');
    const set = featureSetOfCard(card);
    const blank = Object.fromEntries(SEPSIS_CHALLENGE_COLUMNS.map((c) => [c, NaN]));
    const p1 = carryForward([
      { ...blank, HR: 80, Age: 60, Gender: 1, Lactate: 4, ICULOS: 1 },
      { ...blank, HR: 120, SBP: 90, Age: 60, Gender: 1, ICULOS: 2 },
    ] as never);
    const p2 = carryForward([{ ...blank, HR: 70, Age: 50, Gender: 0, ICULOS: 1 }] as never);
    // Lactate from hour 1 is carried into hour 2; nothing of p1 reaches p2.
    expect(p1[1].lactate).toBe(4);
    expect(p2[0].lactate).toBeNaN();
    const expected = await reference(
      'sepsis',
      [...p1, ...p2].map((s) => vectorize(set, s)),
    );
    rows.forEach((row, i) => expect(Number(row.probability)).toBeCloseTo(expected[i], 5));
  });

  it('refuses a file whose values their kind cannot take (Gender 0.5, a fractional hour), naming line, patient and hour, and writes nothing', async () => {
    const input = join(dir, 'hourly-kinds.csv');
    const output = join(dir, 'hourly-kinds-out.csv');
    writeFileSync(
      input,
      [
        header.join(','),
        hour('p1', 1, { HR: 80, Age: 60, Gender: 1 }),
        hour('p2', 1, { HR: 70, Age: 50, Gender: 0.5 }),
        hour('p2', 2.5, { HR: 75 }),
      ].join('\n') + '\n',
    );
    const scoring = scoreCommand({ modelId: 'sepsis', input, output, modelsDir: 'models', log: quiet });
    await expect(scoring).rejects.toThrow(
      /line 3 \(patient p2, hour 1\): gender: must be one of 0 \(female\), 1 \(male\); got 0\.5/,
    );
    await expect(scoring).rejects.toThrow(/line 4 \(patient p2, hour 2\.5\): iculos: .*whole number.*got 2\.5/);
    expect(existsSync(output)).toBe(false);
  });

  /** What a run on `output` left in the directory: the output itself, or a temporary file named after it. */
  const leftovers = (output: string) => readdirSync(dir).filter((name) => name.includes(basename(output)));

  it('refuses a patient whose rows come back after another patient’s, naming line and patient, and leaves no output or temporary file', async () => {
    const input = join(dir, 'hourly-split.csv');
    const output = join(dir, 'hourly-split-out.csv');
    writeFileSync(
      input,
      [
        header.join(','),
        hour('pA', 1, { HR: 80, Age: 60, Gender: 1 }),
        hour('pA', 2, { HR: 82 }),
        hour('pB', 1, { HR: 70, Age: 50, Gender: 0 }),
        hour('pA', 3, { HR: 85 }),
      ].join('\n') + '\n',
    );
    const scoring = scoreCommand({ modelId: 'sepsis', input, output, modelsDir: 'models', log: quiet });
    await expect(scoring).rejects.toThrow(ChallengeCsvError);
    await expect(scoring).rejects.toThrow(/line 5: rows of patient pA are not contiguous/);
    expect(leftovers(output)).toEqual([]);
  });

  it('refuses a patient whose hours go backwards, naming line and patient', async () => {
    const input = join(dir, 'hourly-backwards.csv');
    const output = join(dir, 'hourly-backwards-out.csv');
    writeFileSync(
      input,
      [header.join(','), hour('pA', 2, { HR: 80, Age: 60, Gender: 1 }), hour('pA', 1, { HR: 82 })].join('\n') + '\n',
    );
    const scoring = scoreCommand({ modelId: 'sepsis', input, output, modelsDir: 'models', log: quiet });
    await expect(scoring).rejects.toThrow(
      /line 3: ICULOS 1 of patient pA does not follow 2; rows must be in hour order/,
    );
    expect(leftovers(output)).toEqual([]);
  });

  describe('a file refused at its end, after rows were already scored and written', () => {
    // 6,000 hours: more than one batch of the streaming scorer, so output rows reach the temporary file first.
    const body = Array.from({ length: 200 }, (_, p) =>
      Array.from({ length: 30 }, (_, h) =>
        hour(`q${p}`, h + 1, h === 0 ? { HR: 70 + (p % 40), Age: 60, Gender: p % 2 } : { HR: 80 }),
      ),
    ).flat();

    it.each([
      [
        'a patient split across the file',
        hour('q0', 31, { HR: 90 }),
        /line 6002: rows of patient q0 are not contiguous/,
      ],
      [
        'a value its kind cannot take',
        hour('z', 1, { Age: 60, Gender: 0.5 }),
        /line 6002 \(patient z, hour 1\): gender/,
      ],
    ])('%s leaves no temporary file, and an earlier output as it was', async (name, last, message) => {
      const input = join(dir, `hourly-late-${name.length}.csv`);
      const output = join(dir, `hourly-late-${name.length}-out.csv`);
      writeFileSync(input, [header.join(','), ...body, last].join('\n') + '\n');
      writeFileSync(output, 'an earlier output\n');
      await expect(scoreCommand({ modelId: 'sepsis', input, output, modelsDir: 'models', log: quiet })).rejects.toThrow(
        message,
      );
      expect(leftovers(output)).toEqual([basename(output)]);
      expect(readFileSync(output, 'utf8')).toBe('an earlier output\n');
    });

    it('writes the same bytes whether worker threads explain the rows (EXPLAIN_POOL_SIZE=2) or the main thread (0)', async () => {
      const input = join(dir, 'hourly-pool.csv');
      writeFileSync(input, [header.join(','), ...body].join('\n') + '\n');
      const outputs: Record<string, Buffer> = {};
      const lines: string[] = [];
      const setting = process.env.EXPLAIN_POOL_SIZE;
      try {
        for (const size of ['2', '0']) {
          process.env.EXPLAIN_POOL_SIZE = size;
          const output = join(dir, `hourly-pool-${size}-out.csv`);
          await scoreCommand({ modelId: 'sepsis', input, output, modelsDir: 'models', log: (l) => lines.push(l) });
          outputs[size] = readFileSync(output);
        }
      } finally {
        if (setting === undefined) delete process.env.EXPLAIN_POOL_SIZE;
        else process.env.EXPLAIN_POOL_SIZE = setting;
      }
      expect(outputs['2'].equals(outputs['0'])).toBe(true);
      // No chunk fell back to the main thread: the workers explained them all.
      expect(lines.filter((l) => l.startsWith('warning'))).toEqual([]);
    });

    it('scores the same file gzipped to the same bytes', async () => {
      const input = join(dir, 'hourly-many.csv');
      writeFileSync(input, [header.join(','), ...body].join('\n') + '\n');
      writeFileSync(`${input}.gz`, gzipSync(readFileSync(input)));
      const plain = join(dir, 'hourly-many-out.csv');
      const gz = join(dir, 'hourly-many-gz-out.csv');
      await expect(
        scoreCommand({ modelId: 'sepsis', input, output: plain, modelsDir: 'models', log: quiet }),
      ).resolves.toBe(6000);
      await scoreCommand({ modelId: 'sepsis', input: `${input}.gz`, output: gz, modelsDir: 'models', log: quiet });
      expect(readFileSync(gz).equals(readFileSync(plain))).toBe(true);
      expect(parse(readFileSync(plain), { columns: true })).toHaveLength(6000);
    });
  });
});
