import type { Principal } from '@/access/roles';
import { DatabaseUnavailableError } from '@/db/database';
import { ModelRegistry } from '@/inference/model-registry';
import { PredictionService } from '@/prediction/prediction-service';
import { submitPrediction } from '@/dashboard/predict-submission';
import { PagedMemoryAuditLog } from '../../support/paged-memory-audit-log';

const registry = new ModelRegistry('models');
const CLINICIAN: Principal = { keyId: '6f1d1c9e-0000-4000-8000-000000000001', name: 'Ward 7', role: 'clinician' };
afterAll(() => registry.close());

function setup() {
  const audit = new PagedMemoryAuditLog();
  const prediction = new PredictionService(registry, audit);
  return {
    audit,
    submit: (modelId: string, fields: Record<string, string>) =>
      submitPrediction({ registry, prediction, audit }, CLINICIAN, modelId, form(fields)),
  };
}

function form(fields: Record<string, string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
}

const logit = (p: number) => Math.log(p / (1 - p));

describe('submitting the predict form', () => {
  it('predicts, stores one record and shows it with labelled log-odds contributions that add up to the logit', async () => {
    const { audit, submit } = setup();
    const state = await submit('heart-failure', {
      age: '75',
      ejection_fraction: '20',
      serum_creatinine: '1.9',
      patientRef: ' MRN-7 ',
    });
    expect(state.errors).toEqual({});
    expect(state.formError).toBeNull();
    expect(audit.records).toHaveLength(1);
    const [stored] = audit.records;
    expect(state.result).toMatchObject({
      id: stored.id,
      probability: stored.probability,
      riskBand: stored.riskBand,
      positive: stored.positive,
    });
    expect(stored.patientRef).toBe('MRN-7');
    expect(stored.requestId).toMatch(/^dashboard-/);
    const result = state.result!;
    expect(result.contributions.map((c) => c.label).sort()).toEqual(['Age', 'Ejection fraction', 'Serum creatinine']);
    expect(result.contributions.find((c) => c.name === 'serum_creatinine')).toMatchObject({
      unit: 'mg/dL',
      value: 1.9,
    });
    const sum = result.baseValue + result.contributions.reduce((s, c) => s + c.contribution, 0);
    expect(sum).toBeCloseTo(logit(result.probability), 5);
    expect(state.values).toEqual({ age: '75', ejection_fraction: '20', serum_creatinine: '1.9', patientRef: 'MRN-7' });
  });

  it('puts every problem next to its field, keeps what was typed and stores nothing', async () => {
    const { audit, submit } = setup();
    const state = await submit('heart-failure', { age: 'old', ejection_fraction: '95', serum_creatinine: '' });
    expect(state.result).toBeNull();
    expect(state.errors).toEqual({
      age: 'must be a number, got "old"',
      ejection_fraction: '95 is outside the allowed range 5 to 90 %',
      serum_creatinine: 'required; give a value from 0.2 to 15 mg/dL',
    });
    expect(state.values).toMatchObject({ age: 'old', ejection_fraction: '95', serum_creatinine: '' });
    expect(audit.records).toHaveLength(0);
  });

  it('shows the previous answer beside the new one for a what-if, and stores both', async () => {
    const { audit, submit } = setup();
    const first = await submit('heart-failure', { age: '75', ejection_fraction: '20', serum_creatinine: '1.9' });
    const second = await submit('heart-failure', {
      age: '75',
      ejection_fraction: '45',
      serum_creatinine: '1.9',
      previousId: first.result!.id,
    });
    expect(second.previous).toEqual(first.result);
    // Marked in the audit trail as a what-if on the first answer.
    expect(audit.records[1].requestId).toMatch(new RegExp(`^dashboard-what-if-${first.result!.id.slice(0, 8)}-`));
    expect(audit.records[0].requestId).not.toMatch(/what-if/);
    expect(second.result!.id).not.toBe(first.result!.id);
    expect(second.result!.probability).toBeLessThan(first.result!.probability);
    expect(audit.records).toHaveLength(2);
  });

  it("ignores a previousId that names nothing or another model's record", async () => {
    const { submit } = setup();
    const other = await submit('diabetes', {
      glucose: '150',
      bmi: '33',
      age: '50',
      pregnancies: '1',
      blood_pressure: '70',
      diabetes_pedigree_function: '0.5',
    });
    expect(other.errors).toEqual({});
    for (const previousId of ['not-an-id', other.result!.id]) {
      const state = await submit('heart-failure', {
        age: '75',
        ejection_fraction: '20',
        serum_creatinine: '1.9',
        previousId,
      });
      expect(state.previous).toBeNull();
      expect(state.result).not.toBeNull();
    }
  });

  it('says the database is unavailable, with nothing stored, instead of failing the page', async () => {
    const audit = new PagedMemoryAuditLog();
    audit.append = async () => {
      throw new DatabaseUnavailableError('connection refused');
    };
    const prediction = new PredictionService(registry, audit);
    const state = await submitPrediction(
      { registry, prediction, audit },
      CLINICIAN,
      'heart-failure',
      form({ age: '75', ejection_fraction: '20', serum_creatinine: '1.9' }),
    );
    expect(state.formError).toMatch(/unavailable.*nothing was predicted or stored/);
    expect(state.values.age).toBe('75');
  });

  it('names an unknown model', async () => {
    const { submit } = setup();
    expect((await submit('cancer', {})).formError).toBe('Unknown model "cancer".');
  });

  it('records the signed-in key as the requester', async () => {
    const { submit, audit } = setup();
    await submit('heart-failure', { age: '75', ejection_fraction: '20', serum_creatinine: '1.9' });
    expect(audit.records.map((r) => r.requester)).toEqual([CLINICIAN.keyId]);
  });

  it("ignores a previousId naming another clinician's record: it is not this viewer's to see", async () => {
    const audit = new PagedMemoryAuditLog();
    const prediction = new PredictionService(registry, audit);
    const other = await prediction.predict(
      'heart-failure',
      {
        features: [
          { name: 'age', value: 60 },
          { name: 'ejection_fraction', value: 40 },
          { name: 'serum_creatinine', value: 1 },
        ],
      },
      { requestId: 'r', requester: 'another-key' },
    );
    const state = await submitPrediction(
      { registry, prediction, audit },
      CLINICIAN,
      'heart-failure',
      form({ age: '75', ejection_fraction: '20', serum_creatinine: '1.9', previousId: other.id }),
    );
    expect(state.result).not.toBeNull();
    expect(state.previous).toBeNull();
  });

  it.each([
    [
      'nobody signed in',
      null,
      'You are not signed in (or your session has ended), so nothing was predicted or stored. Sign in and submit again.',
    ],
    [
      'an auditor',
      { keyId: 'a', name: 'Audit office', role: 'auditor' } as Principal,
      'Nothing was predicted: the auditor role may not make predictions; roles that may: clinician, admin.',
    ],
  ])('refuses %s, storing nothing', async (_label, viewer, message) => {
    const audit = new PagedMemoryAuditLog();
    const prediction = new PredictionService(registry, audit);
    const state = await submitPrediction(
      { registry, prediction, audit },
      viewer,
      'heart-failure',
      form({ age: '75', ejection_fraction: '20', serum_creatinine: '1.9' }),
    );
    expect(state.formError).toBe(message);
    expect(state.result).toBeNull();
    expect(audit.records).toHaveLength(0);
  });
});
