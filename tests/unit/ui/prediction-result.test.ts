/**
 * A prediction's answer as a clinician reads it: the risk against the training data's base rate beside the band,
 * computed features rounded with their units and definitions, and why a missing value has a contribution.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditRecord } from '@/audit/audit-record';
import { predictionView } from '@/dashboard/prediction-view';
import { modelCardSchema, type ModelCard } from '@/inference/model-card';
import { ContributionTable, PredictionResult } from '@/ui/prediction-result';
import { render } from './charts/svg-markup';

const card = (id: string): ModelCard =>
  modelCardSchema.parse(JSON.parse(readFileSync(join(__dirname, '../../../models', id, 'card.json'), 'utf8')));
const SEPSIS = card('sepsis');

function record(over: Partial<AuditRecord> & Pick<AuditRecord, 'contributions'>): AuditRecord {
  return {
    id: 'rec-1',
    modelId: SEPSIS.id,
    modelVersion: SEPSIS.version,
    onnxSha256: SEPSIS.onnx.sha256,
    inputs: [],
    vector: [],
    probability: 0.089,
    positive: true,
    riskBand: 'HIGH',
    baseValue: -3.83,
    patientRef: null,
    requestId: 'req-1',
    latencyMs: 5,
    requester: null,
    createdAt: new Date('2026-12-04T12:00:00Z'),
    ...over,
  };
}

/** Visible text, tags dropped and entities decoded, spaces collapsed. */
const text = (markup: string) =>
  markup
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');

/** Each row of the contribution table as [feature cell, value cell]. */
const rows = (markup: string) =>
  [...markup.matchAll(/<tr><th scope="row">([\s\S]*?)<\/th><td>([\s\S]*?)<\/td>/g)].map((m) => [
    text(m[1]).trim(),
    text(m[2]).trim(),
  ]);

const SHOCK = { name: 'shock_index', value: Math.fround(118 / 92), contribution: 0.31 };

describe('the prediction result', () => {
  it('reads 8.90% against the card’s base rate: 17,136 of 790,215 patient-hours positive (2.17%), so ≈ 4.1×', () => {
    // By hand: 17136 / 790215 = 0.021685; 0.089 / 0.021685 = 4.104, two significant digits 4.1.
    const markup = render(PredictionResult, { view: predictionView(record({ contributions: [SHOCK] }), SEPSIS) });
    const page = text(markup);
    expect(page).toContain('Risk band HIGH ≈ 4.1× the average patient-hour');
    expect(page).toContain(
      'Average 2.17%: 17,136 of the 790,215 patient-hours the model was trained on were positive.',
    );
    expect(page).toContain('8.90% is at or above the decision threshold of 2.75%');
  });

  it('takes the row a base rate counts from the card: a diabetes patient at 50% is ≈ 1.4× the average patient', () => {
    // 268 / 768 = 0.34896; 0.5 / 0.34896 = 1.433.
    const diabetes = card('diabetes');
    const view = predictionView(
      record({
        modelId: 'diabetes',
        modelVersion: diabetes.version,
        probability: 0.5,
        contributions: [{ name: 'glucose', value: 150, contribution: 0.8 }],
      }),
      diabetes,
    );
    const page = text(render(PredictionResult, { view }));
    expect(page).toContain('≈ 1.4× the average patient');
    expect(page).toContain('Average 34.9%: 268 of the 768 patients');
  });

  it('shows no base rate for a record of another model version, whose training data the card does not describe', () => {
    const view = predictionView(record({ modelVersion: '0.9.0', contributions: [SHOCK] }), SEPSIS);
    expect(view.baseRate).toBeNull();
    expect(text(render(PredictionResult, { view }))).not.toContain('the average');
  });

  it('rounds computed features to three significant digits with their units, and says what each is', () => {
    const view = predictionView(
      record({
        contributions: [
          SHOCK,
          { name: 'pulse_pressure', value: 45, contribution: 0.1 },
          { name: 'measured_lab_count', value: 3, contribution: -0.2 },
          { name: 'heart_rate', value: 118, contribution: 0.05 },
          { name: 'gender', value: 1, contribution: 0.01 },
        ],
      }),
      SEPSIS,
    );
    expect(rows(render(ContributionTable, { view }))).toEqual([
      ['Shock index Heart rate ÷ systolic blood pressure; above about 0.9 suggests circulatory compromise.', '1.28'],
      ['Pulse pressure Systolic minus diastolic blood pressure (mm Hg); wide in vasodilatory shock.', '45 mmHg'],
      [
        'Laboratory values measured How many of the 26 laboratory values have been measured so far in the stay (0–26): how closely the patient is being worked up.',
        '3 of 26',
      ],
      // An input is shown as sent, with its unit as clinicians write it, and needs no definition.
      ['Heart rate', '118/min'],
      // A code reads as the form's select shows it.
      ['Gender', 'male (1)'],
    ]);
  });

  it('rounds computed features in the what-if comparison too, and explains a missing value there', () => {
    const before = predictionView(
      record({
        id: 'rec-0',
        contributions: [
          { ...SHOCK, value: Math.fround(110 / 100) },
          { name: 'glucose', value: null, contribution: 0.2 },
        ],
      }),
      SEPSIS,
    );
    const after = predictionView(
      record({ contributions: [SHOCK, { name: 'glucose', value: 140, contribution: 0.1 }] }),
      SEPSIS,
    );
    const markup = render(PredictionResult, { view: after, previous: before });
    const shock = [...markup.matchAll(/<tr class="changed"><th scope="row">Shock index[\s\S]*?<\/tr>/g)][0][0];
    expect(text(shock)).toContain(' 1.1 1.28 (changed) ');
    expect(text(markup)).toContain('whether a value was measured at all is itself informative');
  });

  it('explains above the table why a missing value has a contribution, only when one is missing', () => {
    const missing = predictionView(
      record({ contributions: [{ name: 'glucose', value: null, contribution: 0.2 }] }),
      SEPSIS,
    );
    const page = text(render(ContributionTable, { view: missing }));
    expect(rows(render(ContributionTable, { view: missing }))).toEqual([['Glucose', 'missing']]);
    expect(page).toContain('whether a value was measured at all is itself informative');
    const measured = predictionView(
      record({ contributions: [{ name: 'glucose', value: 140, contribution: 0.2 }] }),
      SEPSIS,
    );
    expect(text(render(ContributionTable, { view: measured }))).not.toContain('itself informative');
  });
});
