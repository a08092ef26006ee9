/**
 * The three ways a stay's course is scored give the same answer: the API (`predict(input: { observations })`, stored
 * in the audit log), score files (`npm run score -- --input DIR`, recordOutputRows) and the function the monitor calls
 * (placeCourse → vectorizeCourse → scoreVectors). Real set-a stays, the shipped icu-mortality model, the embedded
 * database.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prismaAuditLog } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { validateObservations } from '@/features/timeline';
import { ModelRegistry, type LoadedModel } from '@/inference/model-registry';
import { placeCourse, vectorizeCourse } from '@/prediction/course';
import { scoreVectors } from '@/prediction/scoring';
import { parseRecordFile } from '@/training/datasets/physionet2012-record';
import type { OutputRow } from '@/training/score-output';
import { recordOutputRows, stayRow, type RecordTally } from '@/training/score-records';
import { operations, startTestServer, type TestServer } from '../../support/graphql-server';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const SET_A = join(__dirname, '../../../data/physionet2012/set-a');
const ADMITTED = Date.parse('2026-02-10T22:15:00Z');
const STAYS = 12;

const TIMELINE_MODEL_ID = 'icu-mortality';
const registry = new ModelRegistry(join(__dirname, '../../../models'));
const recordsDir = mkdtempSync(join(tmpdir(), 'crc-entry-points-'));
let database: TestDatabase;
let server: TestServer;
let model: LoadedModel;

/** Set-a stays the API accepts whole (training and score files leave refused values out; the API refuses them). */
function acceptedStays(): { file: string; text: string; recordId: string }[] {
  const out: { file: string; text: string; recordId: string }[] = [];
  for (const file of readdirSync(SET_A).sort()) {
    if (!file.endsWith('.txt')) continue;
    const text = readFileSync(join(SET_A, file), 'utf8');
    const record = parseRecordFile(text, file);
    if (validateObservations(model.timeline!.observations, record.observations).errors.length > 0) continue;
    out.push({ file, text, recordId: record.recordId });
    if (out.length === STAYS) break;
  }
  return out;
}

const [, createEmbedded] = DATABASES.find(([kind]) => kind === 'pglite')!;

beforeAll(async () => {
  model = await registry.get(TIMELINE_MODEL_ID);
  database = await createEmbedded();
  await migrate(database.db);
  server = startTestServer({ registry, audit: prismaAuditLog(database.db.prisma) });
});

afterAll(async () => {
  await server?.stop();
  await database?.dispose();
  await registry.close();
  rmSync(recordsDir, { recursive: true, force: true });
});

const iso = (minutes: number) => new Date(ADMITTED + minutes * 60_000).toISOString();

it('gives identical probabilities and contributions through the API, score files and the monitor’s function', async () => {
  const stays = acceptedStays();
  expect(stays).toHaveLength(STAYS);
  for (const s of stays) writeFileSync(join(recordsDir, s.file), s.text);

  // Score files.
  const tally: RecordTally = { stays: 0, leftOut: {} };
  const fileRows: OutputRow[] = [];
  for await (const row of recordOutputRows(model, recordsDir, tally)) fileRows.push(row);
  expect(tally.leftOut).toEqual({});

  for (const [k, stay] of stays.entries()) {
    const { observations } = parseRecordFile(stay.text, stay.file);
    const sent = observations.map((o) => ({ name: o.name, time: iso(o.time), value: o.value }));

    // The monitor's function: the course as it stores it (instants), placed, vectorized and scored by the core.
    const { placed, errors } = placeCourse(model.card.timeline!, {
      observations: sent.map((o) => ({ ...o, time: new Date(o.time) })),
      admittedAt: new Date(ADMITTED),
    });
    expect(errors).toEqual([]);
    const [direct] = await scoreVectors(model, vectorizeCourse(model, placed!.observations, placed!.moment), (s) => ({
      probability: s.probability,
      baseValue: s.baseValue,
      contributions: Array.from(s.contributions),
      row: stayRow(model.vectorNames, stay.recordId, s),
    }));

    // The API, stored in the audit log.
    const reply = await server.run(operations.PredictCourse, {
      input: { modelId: TIMELINE_MODEL_ID, patientRef: stay.recordId, admittedAt: iso(0), observations: sent },
    });
    expect(reply.errors).toBeUndefined();
    const api = (
      reply.data as {
        predict: { probability: number; baseValue: number; contributions: { name: string; contribution: number }[] };
      }
    ).predict;

    expect(api.probability).toBe(direct.probability);
    expect(api.baseValue).toBe(direct.baseValue);
    // The API lists contributions largest first; by name they are the core's, in vector order.
    const byName = new Map(api.contributions.map((c) => [c.name, c.contribution]));
    expect(byName.size).toBe(model.vectorNames.length);
    expect(model.vectorNames.map((name) => byName.get(name))).toEqual(direct.contributions);
    // The file holds the same numbers, written to 6 decimals.
    expect(fileRows[k]).toEqual(direct.row);
  }
  // Not a vacuous comparison: the stays differ in risk and in what drives it.
  const probabilities = new Set(fileRows.map((r) => r.probability));
  expect(probabilities.size).toBeGreaterThan(3);
  expect(await database.db.prisma.prediction.count()).toBe(STAYS);
});
