/**
 * The predict form of a model that reads only a course (the fixture icu-mortality model): lines Time,Parameter,Value
 * with time HH:MM from admission become observations at instants, the answer is the API's for the same course, and
 * every refusal names the line.
 */
import { rmSync } from 'node:fs';
import { renderToStaticMarkup } from 'react-dom/server';
import type { Principal } from '@/access/roles';
import { ModelRegistry } from '@/inference/model-registry';
import { PredictionService } from '@/prediction/prediction-service';
import { submitPrediction } from '@/dashboard/predict-submission';
import { RecordInputs } from '@/ui/audit-record/inputs';
import { CardInputs } from '@/ui/model-card/inputs';
import { PagedMemoryAuditLog } from '../../support/paged-memory-audit-log';
import { courseAt, SAMPLE_COURSE, TIMELINE_MODEL_ID, writeTimelineModels } from '../../support/timeline-model';

const modelsDir = writeTimelineModels();
const registry = new ModelRegistry(modelsDir);
afterAll(async () => {
  await registry.close();
  rmSync(modelsDir, { recursive: true, force: true });
});

const CLINICIAN: Principal = { keyId: '6f1d1c9e-0000-4000-8000-000000000002', name: 'ICU', role: 'clinician' };
const ADMITTED = '2026-03-01T08:00:00.000Z';

function setup() {
  const audit = new PagedMemoryAuditLog();
  const prediction = new PredictionService(registry, audit);
  return {
    audit,
    prediction,
    submit: (fields: Record<string, string>) => {
      const data = new FormData();
      for (const [name, value] of Object.entries(fields)) data.set(name, value);
      return submitPrediction({ registry, prediction, audit }, CLINICIAN, TIMELINE_MODEL_ID, data);
    },
  };
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
const LINES = [
  'Time,Parameter,Value',
  '00:00,RecordID,132539',
  ...SAMPLE_COURSE.map(([name, minutes, value]) => `${clock(minutes)},${name},${value}`),
  '03:00,Lactate,-1',
].join('\n');

describe('the course form of a timeline model', () => {
  it('predicts from the lines and stores the course as the API would for the same observations', async () => {
    const { audit, prediction, submit } = setup();
    const state = await submit({ admittedAt: '2026-03-01T08:00Z', course: LINES, patientRef: 'MRN-9' });
    expect(state.errors).toEqual({});
    expect(audit.records).toHaveLength(1);
    const [stored] = audit.records;
    // RecordID and the -1 (missing) line are skipped; every other line is an observation at its instant.
    expect(stored.course).toEqual({
      admittedAt: ADMITTED,
      moment: 2880,
      observations: courseAt(ADMITTED, SAMPLE_COURSE),
    });
    const viaApi = await prediction.predictCourse(
      TIMELINE_MODEL_ID,
      { observations: courseAt(ADMITTED, SAMPLE_COURSE).map((o) => ({ ...o, time: new Date(o.time) })) },
      { requestId: 'api', requester: CLINICIAN.keyId },
    );
    expect(state.result?.probability).toBe(viaApi.probability);
    expect(stored.contributions).toEqual(viaApi.contributions);
    // The explanation reads the vector's labels from the card, with their units.
    expect(state.result?.contributions.find((c) => c.name === 'HR_max')).toMatchObject({
      label: 'Heart rate, highest in 48 h',
      unit: 'beats/min',
      value: 112,
    });
  });

  it('names the line of an observation the model refuses, and of a line it cannot read; nothing is stored', async () => {
    const { audit, submit } = setup();
    const refused = await submit({
      admittedAt: '2026-03-01T08:00Z',
      course: '00:00,Age,71\n49:00,HR,90\n01:00,HR,400',
    });
    expect(refused.errors.course).toMatch(/^line 2 \(HR\): .*past the model's window.*; line 3 \(HR\): 400 is outside/);
    const unreadable = await submit({ admittedAt: 'yesterday', course: '00:00,Age,71\n1h,HR,90' });
    expect(unreadable.errors.admittedAt).toMatch(/admission instant with its time zone/);
    expect(unreadable.errors.course).toMatch(/line 2: "1h,HR,90" is not Time,Parameter,Value/);
    expect(audit.records).toHaveLength(0);
  });

  it('renders the model page with the observation codes and the collapsed vector, and a record with its course', async () => {
    const model = await registry.get(TIMELINE_MODEL_ID);
    const page = renderToStaticMarkup(CardInputs({ card: model.card }));
    expect(page).toContain('<code>HR</code>');
    expect(page).toContain('650 to 800 is read as value ÷ 100');
    expect(page).toContain('The vector computed from the course: 301 features');
    expect(page).toContain(
      'The model reads the first 48 hours from admission and scores the course at its end (+48:00)',
    );
    const { audit, submit } = setup();
    await submit({ admittedAt: '2026-03-01T08:00Z', course: LINES });
    const record = renderToStaticMarkup(RecordInputs({ record: audit.records[0], card: model.card }));
    expect(record).toContain('As received: 15 observations, admitted 2026-03-01 08:00:00 UTC, scored at +48:00');
    expect(record).toContain('Heart rate <code>HR</code>');
    expect(record).toContain('The vector the model saw: 301 entries');
    expect(record).toContain('Heart rate, highest in 48 h');
  });
});
