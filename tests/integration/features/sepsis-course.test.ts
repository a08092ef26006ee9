/**
 * Specification of the sepsis course function on set A: every hour of a sample of patients, written as a course of
 * observations at minutes inside their hour, scored at the hour's end, equals training's patient-hour row bit for bit
 * (as float32, the model's input); and the shipped model, served from the course, scores those hours exactly as
 * `npm run score` scores the hourly file.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { blankImplausible, SEPSIS_CHALLENGE_COLUMNS, type ChallengeRow } from '@/features/sepsis';
import { SEPSIS_OBSERVATIONS, sepsisCourseVector } from '@/features/sepsis-course';
import type { Observation } from '@/features/timeline';
import { loadModel } from '@/inference/model-registry';
import { scoreVectors } from '@/prediction/scoring';
import { CHALLENGE_ROW_WIDTH, type ChallengeTable } from '@/training/datasets/sepsis';
import { buildSepsisDataset } from '@/training/datasets/sepsis-patient-hours';
import { streamChallengePatients, type ChallengePatient } from '@/training/datasets/sepsis-stream';
import { hourlyOutputRows, type HourlyTally } from '@/training/score-hourly';
import type { OutputRow } from '@/training/score-output';

const SET_A = join(__dirname, '../../../data/physionet2019/setA.csv.gz');
const withData = existsSync(SET_A) ? describe : describe.skip;
const FACTS = new Set(SEPSIS_OBSERVATIONS.filter((o) => o.atAdmissionOnly).map((o) => o.name));
const CODES = SEPSIS_OBSERVATIONS.map((o) => o.name as keyof ChallengeRow);

/** Patients as one table, as the training reader builds it. */
function tableOf(patients: ChallengePatient[]): ChallengeTable {
  const rowCount = patients.reduce((n, p) => n + p.rows.length, 0);
  const values = new Float64Array(rowCount * CHALLENGE_ROW_WIDTH);
  const patientOffsets = new Int32Array(patients.length + 1);
  let r = 0;
  patients.forEach((p, i) => {
    patientOffsets[i] = r;
    for (const row of p.rows) {
      SEPSIS_CHALLENGE_COLUMNS.forEach((c, k) => (values[r * CHALLENGE_ROW_WIDTH + k] = row[c]));
      r++;
    }
  });
  patientOffsets[patients.length] = r;
  return {
    patientIds: patients.map((p) => p.id),
    patientOffsets,
    values,
    rowCount,
    absentColumns: [],
    ignoredColumns: [],
  };
}

/**
 * A patient's rows as a course: the facts once at time 0 (the same in every row of a set-A patient), every recorded
 * value of hour h at a minute inside ((h−1)·60, h·60] that varies with the code and the hour (so the hour's bounds,
 * not a common time, keep the hours apart), listed in reverse (the function must not depend on order). Values are
 * left as recorded: the implausible ones are the function's to ignore, as training blanks them.
 */
function courseOf(rows: readonly ChallengeRow[]): Observation[] {
  const course: Observation[] = [];
  for (const code of FACTS) {
    const v = rows[0][code as keyof ChallengeRow];
    if (!Number.isNaN(v)) course.push({ name: code, time: 0, value: v });
  }
  for (const row of rows) {
    const h = row.ICULOS;
    CODES.forEach((code, k) => {
      if (FACTS.has(code) || Number.isNaN(row[code])) return;
      // Minutes 1..60 of the hour; minute 60 (the hour's end) and minute 1 (just after the previous end) both occur.
      const minute = ((h * 7 + k * 13) % 60) + 1;
      course.push({ name: code, time: (h - 1) * 60 + minute, value: row[code] });
    });
  }
  return course.reverse();
}

withData('sepsis course vs training rows on set A', () => {
  let sample: ChallengePatient[];
  let withBlanked: number;

  beforeAll(async () => {
    sample = [];
    withBlanked = 0;
    let index = 0;
    for await (const patient of streamChallengePatients(SET_A, { requireLabel: true })) {
      // Every 50th patient, and every patient with a value training blanks as implausible.
      const blanked = patient.rows.some((row) => blankImplausible(row).blanked.length > 0);
      if (index % 50 === 0 || blanked) sample.push(patient);
      if (blanked) withBlanked++;
      index++;
    }
  });

  it('gives every hour exactly the training row (float32), facts constant per patient', () => {
    const data = buildSepsisDataset(tableOf(sample));
    const f = data.featureNames.length;
    let hours = 0;
    let startLater = 0;
    let differences = 0;
    const firstDifferences: string[] = [];
    sample.forEach((patient, p) => {
      for (const fact of FACTS) {
        const values = new Set(patient.rows.map((row) => row[fact as keyof ChallengeRow]));
        expect(values.size).toBe(1);
      }
      if (patient.rows[0].ICULOS !== 1) startLater++;
      const course = courseOf(patient.rows);
      patient.rows.forEach((row, h) => {
        const vector = Float32Array.from(sepsisCourseVector(course, row.ICULOS * 60));
        const r = data.patientOffsets[p] + h;
        for (let j = 0; j < f; j++) {
          if (!Object.is(vector[j], data.x[r * f + j])) {
            differences++;
            if (firstDifferences.length < 5)
              firstDifferences.push(
                `${patient.id} hour ${row.ICULOS} ${data.featureNames[j]}: ${vector[j]} vs ${data.x[r * f + j]}`,
              );
          }
        }
        hours++;
      });
    });
    expect(firstDifferences).toEqual([]);
    expect(differences).toBe(0);
    // The sample's reach, stated so a change of data or sampling shows: 694 patients (every 50th, and the 293 with a
    // value blanked as implausible), 312 of them starting after hour 1, 29,400 hours.
    expect({ patients: sample.length, hours, withBlanked, startLater }).toEqual({
      patients: 694,
      hours: 29_400,
      withBlanked: 293,
      startLater: 312,
    });
  });

  it('scores through the shipped model, whose card names the timeline function, as `npm run score` scores the hourly file', async () => {
    // The shipped sepsis 1.0.0 model and card (its card has `timeline: { function: 'sepsis' }`), beside the hourly file.
    const models = mkdtempSync(join(tmpdir(), 'sepsis-course-'));
    const patients = sample.slice(0, 40);
    try {
      mkdirSync(join(models, 'sepsis'));
      copyFileSync(join(__dirname, '../../../models/sepsis/model.onnx'), join(models, 'sepsis', 'model.onnx'));
      copyFileSync(join(__dirname, '../../../models/sepsis/card.json'), join(models, 'sepsis', 'card.json'));
      const model = await loadModel(models, 'sepsis');
      try {
        expect(model.timeline?.name).toBe('sepsis');
        const csv = join(models, 'hours.csv');
        const lines = [['patient_id', ...SEPSIS_CHALLENGE_COLUMNS].join(',')];
        for (const p of patients)
          for (const row of p.rows)
            lines.push(
              [p.id, ...SEPSIS_CHALLENGE_COLUMNS.map((c) => (Number.isNaN(row[c]) ? '' : String(row[c])))].join(','),
            );
        writeFileSync(csv, `${lines.join('\n')}\n`);
        const fromFile: OutputRow[] = [];
        const tally: HourlyTally = { rows: 0, blanked: 0 };
        for await (const row of hourlyOutputRows(model, csv, tally)) fromFile.push(row);

        const width = model.vectorNames.length;
        const vectors = new Float32Array(tally.rows * width);
        const identity: Array<{ patient_id: string; ICULOS: string }> = [];
        for (const p of patients) {
          const course = courseOf(p.rows);
          for (const row of p.rows) {
            vectors.set(model.timeline!.vector(course, row.ICULOS * 60), identity.length * width);
            identity.push({ patient_id: p.id, ICULOS: String(row.ICULOS) });
          }
        }
        const fromCourse = await scoreVectors(model, vectors, (scored, i) => ({
          ...identity[i],
          probability: scored.probability.toFixed(6),
          decision: scored.positive ? 1 : 0,
          risk_band: scored.riskBand,
          base_value: scored.baseValue.toFixed(6),
          ...Object.fromEntries(
            model.vectorNames.map((n, j) => [`contribution_${n}`, scored.contributions[j].toFixed(6)]),
          ),
        }));
        expect(fromCourse).toEqual(fromFile);
        expect(fromFile.length).toBeGreaterThan(1000);
      } finally {
        await model.onnx.release();
      }
    } finally {
      rmSync(models, { recursive: true, force: true });
    }
  });
});
