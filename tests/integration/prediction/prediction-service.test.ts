import { ModelRegistry } from '@/inference/model-registry';
import { InvalidInputError } from '@/errors/invalid-input';
import { ExplainPool } from '@/prediction/explain-pool';
import { MAX_BATCH_ROWS, PredictionService } from '@/prediction/prediction-service';
import { MemoryAuditLog } from '../../support/memory-audit-log';
import { PIMA_ROW } from '../../support/requests';
import { variedRows } from '../../support/varied-rows';

const registry = new ModelRegistry('models');
afterAll(() => registry.close());

function setup() {
  const audit = new MemoryAuditLog();
  return { audit, service: new PredictionService(registry, audit) };
}

async function rejection(promise: Promise<unknown>): Promise<InvalidInputError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected an InvalidInputError');
}

/** Every prediction names the key that asked for it. */
const origin = (requestId: string) => ({ requestId, requester: 'key-under-test' });

describe('PredictionService.predict', () => {
  it('returns and stores the probability, decision, band and one log-odds contribution per feature', async () => {
    const { audit, service } = setup();
    const record = await service.predict('diabetes', { features: PIMA_ROW, patientRef: 'MRN-1' }, origin('req-1'));
    const model = await registry.get('diabetes');
    const vector = Float32Array.from(record.vector, (v) => (v === null ? NaN : v));
    const [p] = await registry.predict('diabetes', vector);
    expect(record.probability).toBe(p);
    expect(record.positive).toBe(p >= model.card.threshold.value);
    expect(record.contributions.map((c) => c.name).sort()).toEqual([...model.vectorNames].sort());
    const magnitudes = record.contributions.map((c) => Math.abs(c.contribution));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
    const margin = record.baseValue + record.contributions.reduce((s, c) => s + c.contribution, 0);
    // onnxruntime's probability is float32, so its logit agrees to about 1e-6.
    expect(margin).toBeCloseTo(Math.log(p / (1 - p)), 5);
    expect(record.contributions.find((c) => c.name === 'insulin')?.value).toBeNull();
    expect(record).toMatchObject({
      modelId: 'diabetes',
      modelVersion: model.card.version,
      onnxSha256: model.card.onnx.sha256,
      patientRef: 'MRN-1',
      requestId: 'req-1',
    });
    expect(record.latencyMs).toBeGreaterThan(0);
    expect(audit.records).toEqual([record]);
  });

  it('accepts a heart-failure request with exactly age, ejection_fraction and serum_creatinine', async () => {
    const { service } = setup();
    const record = await service.predict(
      'heart-failure',
      {
        features: [
          { name: 'age', value: 75 },
          { name: 'ejection_fraction', value: 20 },
          { name: 'serum_creatinine', value: 1.9 },
        ],
      },
      origin('req-2'),
    );
    expect(record.probability).toBeGreaterThan(0);
    // Inputs are reported as sent, not as their float32 images (1.9 → 1.899999976…).
    expect(record.contributions.find((c) => c.name === 'serum_creatinine')?.value).toBe(1.9);
  });

  it('accepts a sepsis snapshot with only the required inputs and computes its derived features', async () => {
    const { service } = setup();
    const record = await service.predict(
      'sepsis',
      {
        features: [
          { name: 'age', value: 70 },
          { name: 'gender', value: 1 },
          { name: 'iculos', value: 5 },
          { name: 'heart_rate', value: 120 },
          { name: 'sbp', value: 80 },
        ],
      },
      origin('req-3'),
    );
    expect(record.contributions.find((c) => c.name === 'shock_index')?.value).toBeCloseTo(1.5, 6);
    expect(record.contributions.find((c) => c.name === 'measured_lab_count')?.value).toBe(0);
  });

  it('names every offending field with its allowed range and stores nothing', async () => {
    const { audit, service } = setup();
    const error = await rejection(
      service.predict(
        'diabetes',
        {
          features: [
            ...PIMA_ROW.filter((f) => f.name !== 'age'),
            { name: 'glucose', value: 900 },
            { name: 'height', value: 1 },
          ],
        },
        origin('r'),
      ),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.fields).toEqual([
      { name: 'glucose', message: 'given more than once' },
      { name: 'height', message: expect.stringContaining('unknown feature; allowed: pregnancies, glucose') },
      { name: 'age', message: 'required; give a value from 21 to 100 years' },
    ]);
    expect(audit.records).toEqual([]);
  });

  it('refuses a value its kind cannot take (gender 0.5, 2.5 pregnancies), naming the field and the allowed values, and stores nothing', async () => {
    const { audit, service } = setup();
    const sepsis = [
      { name: 'age', value: 70 },
      { name: 'gender', value: 0.5 },
      { name: 'iculos', value: 5 },
    ];
    const error = await rejection(service.predict('sepsis', { features: sepsis }, origin('r')));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.fields).toEqual([{ name: 'gender', message: 'must be one of 0 (female), 1 (male); got 0.5' }]);
    const pima = PIMA_ROW.map((f) => (f.name === 'pregnancies' ? { ...f, value: 2.5 } : f));
    const batch = await rejection(
      service.predictBatch('diabetes', [{ features: PIMA_ROW }, { features: pima }], origin('r')),
    );
    expect(batch.fields).toEqual([
      { name: 'rows[1].pregnancies', message: 'must be a whole number from 0 to 20 count; got 2.5' },
    ]);
    expect(audit.records).toEqual([]);
  });

  it('refuses an unknown model, naming the known ones', async () => {
    const { audit, service } = setup();
    const error = await rejection(service.predict('cancer', { features: [] }, origin('r')));
    expect(error.fields).toEqual([
      { name: 'modelId', message: 'unknown model "cancer"; allowed: diabetes, heart-failure, icu-mortality, sepsis' },
    ]);
    expect(audit.records).toEqual([]);
  });

  it('tells onStored of the records once they are stored, and of nothing when the input is refused', async () => {
    const heard: string[][] = [];
    const audit = new MemoryAuditLog();
    const service = new PredictionService(registry, audit, (records) => heard.push(records.map((r) => r.id)));
    const stored = await service.predictBatch(
      'diabetes',
      [{ features: PIMA_ROW }, { features: PIMA_ROW }],
      origin('req-s'),
    );
    expect(heard).toEqual([stored.map((r) => r.id)]);
    await rejection(service.predict('diabetes', { features: [] }, origin('req-bad')));
    expect(heard).toHaveLength(1);
  });

  it('refuses a patientRef longer than an identifier', async () => {
    const { service } = setup();
    const error = await rejection(
      service.predict('diabetes', { features: PIMA_ROW, patientRef: 'x'.repeat(129) }, origin('r')),
    );
    expect(error.fields).toEqual([{ name: 'patientRef', message: 'must be 1 to 128 characters; got 129' }]);
  });

  it.each(['MRN\u00001', 'MRN\n1', 'MRN\u007f'])(
    'refuses a patientRef with a control character (%j), which Postgres could not store',
    async (patientRef) => {
      const { service, audit } = setup();
      const error = await rejection(service.predict('diabetes', { features: PIMA_ROW, patientRef }, origin('r')));
      expect(error.fields).toEqual([{ name: 'patientRef', message: 'must not contain control characters' }]);
      expect(audit.records).toHaveLength(0);
    },
  );
});

describe('PredictionService.predictBatch', () => {
  it('scores every row and stores them together', async () => {
    const { audit, service } = setup();
    const records = await service.predictBatch(
      'diabetes',
      [{ features: PIMA_ROW }, { features: PIMA_ROW, patientRef: 'MRN-2' }],
      origin('req-b'),
    );
    expect(records).toHaveLength(2);
    expect(records[0].probability).toBe(records[1].probability);
    expect(audit.records).toHaveLength(2);
  });

  it('stores nothing when one row is invalid, naming the row', async () => {
    const { audit, service } = setup();
    const bad = PIMA_ROW.map((f) => (f.name === 'bmi' ? { name: 'bmi', value: 200 } : f));
    const error = await rejection(
      service.predictBatch('diabetes', [{ features: PIMA_ROW }, { features: bad }], origin('r')),
    );
    expect(error.fields).toEqual([{ name: 'rows[1].bmi', message: '200 is outside the allowed range 10 to 80 kg/m²' }]);
    expect(audit.records).toEqual([]);
  });

  it('refuses an empty batch and one over the limit, stating the limit', async () => {
    const { service } = setup();
    expect((await rejection(service.predictBatch('diabetes', [], origin('r')))).fields).toEqual([
      { name: 'rows', message: `a batch holds 1 to ${MAX_BATCH_ROWS} rows; got 0` },
    ]);
    const tooMany = Array.from({ length: MAX_BATCH_ROWS + 1 }, () => ({ features: PIMA_ROW }));
    expect((await rejection(service.predictBatch('diabetes', tooMany, origin('r')))).fields[0].message).toBe(
      'a batch holds 1 to 1000 rows; got 1001',
    );
  });
});

describe('PredictionService with the explanation pool', () => {
  it('stores a batch explained by worker threads exactly as one explained on the main thread', async () => {
    const pool = ExplainPool.create({ size: 2, modelsDir: 'models', preload: [await registry.get('diabetes')] });
    try {
      await pool?.ready();
      const rows = variedRows('diabetes', 300, 17);
      const pooled = new MemoryAuditLog();
      const alone = new MemoryAuditLog();
      await new PredictionService(registry, pooled, undefined, pool).predictBatch('diabetes', rows, origin('req-p'));
      await new PredictionService(registry, alone, undefined, null).predictBatch('diabetes', rows, origin('req-p'));
      expect(pool?.completedChunks).toBe(4);
      const answer = (r: (typeof pooled.records)[number]) => [r.probability, r.baseValue, r.contributions, r.vector];
      expect(pooled.records.map(answer)).toEqual(alone.records.map(answer));
    } finally {
      await pool?.close();
    }
  });
});
