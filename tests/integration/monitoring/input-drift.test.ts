/**
 * Input drift on a real, migrated Postgres with the shipped diabetes model: requests drawn from its training rows and
 * stored through the prediction service read as stable on every input; the same rows with glucose raised by 30 mg/dL
 * read as a shift on glucose alone; /api/metrics' gauges carry the same figures.
 */
import { join } from 'node:path';
import { prismaAuditLog } from '@/audit/audit-log';
import { openDatabase, type Database } from '@/db/database';
import { ModelRegistry } from '@/inference/model-registry';
import { InputDriftMonitor } from '@/monitoring/input-drift';
import { PredictionService, type PredictionRow } from '@/prediction/prediction-service';
import { createMetrics } from '@/telemetry/metrics';
import { loadDiabetes } from '@/training/datasets/diabetes';
import { Rng } from '@/training/random';
import { createMigratedPostgresDatabase, type PostgresTestDatabase } from '../../support/test-databases';

const MODELS = join(__dirname, '../../../models');
const registry = new ModelRegistry(MODELS);
const SAMPLE = 600;

/** `SAMPLE` training rows of the diabetes model, drawn with replacement (seeded), as requests; NaN sent as null. */
function trainingRequests(
  seed: number,
  change: (name: string, value: number) => number = (_n, v) => v,
): PredictionRow[] {
  const { data } = loadDiabetes(join(__dirname, '../../../data'));
  const width = data.featureNames.length;
  const rng = new Rng(seed);
  return Array.from({ length: SAMPLE }, () => {
    const r = rng.int(0, data.y.length - 1);
    return {
      features: data.featureNames.map((name, j) => {
        const value = data.x[r * width + j];
        return { name, value: Number.isNaN(value) ? null : change(name, value) };
      }),
    };
  });
}

describe('input drift of the diabetes model on Postgres', () => {
  let postgres: PostgresTestDatabase;
  let db: Database;
  let service: PredictionService;
  const monitor = (options: { sampleLimit?: number; minRequests?: number } = {}) =>
    new InputDriftMonitor(db.prisma, registry, { modelsDir: MODELS, ...options });

  beforeAll(async () => {
    postgres = await createMigratedPostgresDatabase('crc_drift');
    db = await openDatabase({ databaseUrl: postgres.url });
    service = new PredictionService(registry, prismaAuditLog(db.prisma));
  });

  afterAll(async () => {
    await db?.close();
    await postgres?.drop();
    await registry.close();
  });

  it('withholds the figures while there are fewer requests than the minimum', async () => {
    const drift = await monitor().drift('diabetes');
    expect(drift).toMatchObject({
      modelId: 'diabetes',
      requestsInWindow: 0,
      sampled: 0,
      minRequests: 100,
      inputs: null,
    });
    expect(drift!.to.getTime() - drift!.from.getTime()).toBe(7 * 86_400_000);
  });

  it('reads requests drawn from the training rows as stable on every input', async () => {
    await service.predictBatch('diabetes', trainingRequests(1), { requestId: 'drift-1', requester: 'test-key' });
    // Another model's requests are not this model's sample.
    await service.predict(
      'heart-failure',
      {
        features: [
          { name: 'age', value: 60 },
          { name: 'ejection_fraction', value: 35 },
          { name: 'serum_creatinine', value: 1.1 },
        ],
      },
      { requestId: 'drift-hf', requester: 'test-key' },
    );
    const drift = (await monitor().drift('diabetes'))!;
    expect(drift).toMatchObject({ requestsInWindow: SAMPLE, sampled: SAMPLE, trainingRows: 768 });
    expect(drift.inputs!.map((i) => i.name).sort()).toEqual([...(await registry.get('diabetes')).vectorNames].sort());
    for (const input of drift.inputs!) {
      expect(input.band).toBe('stable');
      // A bootstrap sample's missing share stays near training's (insulin: 374 of 768 missing).
      expect(Math.abs(input.missingShare - input.trainingMissingShare)).toBeLessThan(0.07);
    }
    const psi = drift.inputs!.map((i) => i.psi);
    expect(psi).toEqual([...psi].sort((a, b) => b - a));
  });

  it('reads glucose raised by 30 mg/dL as a shift on glucose, the other inputs stable', async () => {
    const raised = trainingRequests(2, (name, v) => (name === 'glucose' ? v + 30 : v));
    await service.predictBatch('diabetes', raised, { requestId: 'drift-2', requester: 'test-key' });
    // The sample is the window's latest records: the raised batch alone.
    const drift = (await monitor({ sampleLimit: SAMPLE }).drift('diabetes'))!;
    expect(drift).toMatchObject({ requestsInWindow: 2 * SAMPLE, sampled: SAMPLE });
    const [first, ...rest] = drift.inputs!;
    expect(first).toMatchObject({ name: 'glucose', band: 'shift' });
    expect(first.psi).toBeGreaterThan(0.5);
    for (const input of rest) expect(input.band).toBe('stable');

    // Both batches together: glucose half moved, still out of the stable band.
    const both = (await monitor().drift('diabetes'))!;
    expect(both.sampled).toBe(2 * SAMPLE);
    expect(both.inputs![0].name).toBe('glucose');
    expect(both.inputs![0].band).not.toBe('stable');
  });

  it("gives /api/metrics' gauges the same figures, for models with enough requests only", async () => {
    const drifts = monitor({ sampleLimit: SAMPLE });
    const metrics = createMetrics();
    metrics.setInputDriftSource(() => drifts.all());
    const text = await metrics.registry.metrics();
    const drift = (await drifts.drift('diabetes'))!;
    for (const input of drift.inputs!) {
      const series = `{model="diabetes",input="${input.name}"}`;
      expect(text).toContain(`crc_input_psi${series} ${input.psi}`);
      expect(text).toContain(`crc_input_missing_share${series} ${input.missingShare}`);
    }
    // heart-failure has 1 request, sepsis and icu-mortality none: no series rather than noise.
    expect(text).not.toMatch(/crc_input_psi\{model="(heart-failure|sepsis|icu-mortality)"/);
  });
});
