/**
 * A replay plan from a stay's rows: hour t's observations inside hour t, facts at admission, implausible values left
 * out and counted, empty hours skipped, the label never sent and onset kept as first label + 6.
 */
import { Readable } from 'node:stream';
import { staysOfCsv, type PhysioNetStay } from '@/ingest/physionet2019-stays';
import { replayPlan, ReplayRowError, runIdOf, type ReplayPlan } from '@/ingest/replay-plan';
import { shippedVocabulary } from '../../support/monitor-vocabulary';

const vocabulary = shippedVocabulary();
const START = new Date('2026-03-01T08:00:00Z');
const RUN = runIdOf(START);
const minutesAfterStart = (d: Date) => (d.getTime() - START.getTime()) / 60_000;

// Three stays, columns a subset of the challenge's, in its order: HR 400 and 500 and FiO2 1.5 are outside the monitor's
// ranges, Age 120 is over its 100, Gender 0.5 is not a value a binary code takes.
const CSV = `patient_id,HR,O2Sat,Resp,FiO2,pH,Age,Gender,Unit1,Unit2,HospAdmTime,ICULOS,SepsisLabel
pA,80,97,,,,70,1,1,0,-1.5,1,0
pA,400,,18,,,70,1,1,0,-1.5,2,0
pA,,,,,,70,1,1,0,-1.5,3,0
pA,500,,,,,70,1,1,0,-1.5,4,0
pB,90,,,1.5,7.3,120,0,0,1,-5,3,0
pB,95,,,0.4,,120,0,0,1,-5,4,1
pB,100,,,,,120,0,0,1,-5,5,1
pC,70,,,,,55,0.5,,,-0.1,1,0
pC,72,,,,,55,0.5,,,-0.1,2,0
`;

async function stays(): Promise<PhysioNetStay[]> {
  const list: PhysioNetStay[] = [];
  for await (const stay of staysOfCsv(Readable.from([CSV]), { patients: 10 })) list.push(stay);
  return list;
}

describe('a replay plan', () => {
  let plans: ReplayPlan[];
  beforeAll(async () => {
    plans = (await stays()).map((s) => replayPlan(s, { runId: RUN, admittedAt: START, vocabulary }));
  });

  it('names the stay per run and the patient as the file does, on the unit of Unit1/Unit2', () => {
    expect(RUN).toBe(START.getTime().toString(36));
    expect(plans.map((p) => [p.stayRef, p.patientRef, p.unit])).toEqual([
      [`pA-${RUN}`, 'pA', 'micu'],
      [`pB-${RUN}`, 'pB', 'sicu'],
      [`pC-${RUN}`, 'pC', 'icu'],
    ]);
    expect(plans.every((p) => p.admittedAt.getTime() === START.getTime())).toBe(true);
  });

  it('sends hour t at t·60 − 30 minutes, inside hour t, one observation per recorded code with its source id', () => {
    const [a] = plans;
    expect(a.steps.map((s) => s.hour)).toEqual([1, 2]);
    expect(a.steps[0].observations).toEqual([
      { name: 'HR', time: new Date(START.getTime() + 30 * 60_000), value: 80, sourceId: `pA-${RUN}/1/HR` },
      { name: 'O2Sat', time: new Date(START.getTime() + 30 * 60_000), value: 97, sourceId: `pA-${RUN}/1/O2Sat` },
    ]);
    for (const plan of plans)
      for (const step of plan.steps)
        for (const o of step.observations) {
          const m = minutesAfterStart(o.time);
          expect(m).toBeGreaterThan((step.hour - 1) * 60);
          expect(m).toBeLessThanOrEqual(step.hour * 60);
        }
  });

  it('leaves out and counts values outside their range, and skips an hour with nothing left', () => {
    const [a, b, c] = plans;
    // Hour 2 keeps Resp only; hour 3 had nothing, hour 4 only an HR of 500: neither is a step.
    expect(a.steps[1].observations.map((o) => [o.name, o.value])).toEqual([['Resp', 18]]);
    expect(a.leftOut).toEqual([
      { hour: 2, code: 'HR', value: 400 },
      { hour: 4, code: 'HR', value: 500 },
    ]);
    expect(b.leftOut).toEqual([
      { hour: null, code: 'Age', value: 120 },
      { hour: 3, code: 'FiO2', value: 1.5 },
    ]);
    expect(c.leftOut).toEqual([{ hour: null, code: 'Gender', value: 0.5 }]);
  });

  it('gives Age, Gender and HospAdmTime at admission, never as observations, and never sends the label', () => {
    const [a, b, c] = plans;
    expect(a.facts).toEqual([
      { name: 'Age', value: 70 },
      { name: 'Gender', value: 1 },
      { name: 'HospAdmTime', value: -1.5 },
    ]);
    expect(b.facts).toEqual([
      { name: 'Gender', value: 0 },
      { name: 'HospAdmTime', value: -5 },
    ]);
    expect(c.facts).toEqual([
      { name: 'Age', value: 55 },
      { name: 'HospAdmTime', value: -0.1 },
    ]);
    const sent = new Set(plans.flatMap((p) => p.steps.flatMap((s) => s.observations.map((o) => o.name))));
    for (const column of ['SepsisLabel', 'ICULOS', 'Unit1', 'Unit2', 'patient_id', 'Age', 'Gender', 'HospAdmTime'])
      expect(sent.has(column)).toBe(false);
  });

  it('plays a stay whose ICULOS starts at 3 from hour 3, and discharges after its last hour', () => {
    const [a, b] = plans;
    expect(b.steps.map((s) => s.hour)).toEqual([3, 4, 5]);
    expect(minutesAfterStart(b.steps[0].observations[0].time)).toBe(150);
    expect(b.steps[0].observations.map((o) => o.name)).toEqual(['HR', 'pH']);
    expect(b.lastHour).toBe(5);
    expect(minutesAfterStart(b.dischargedAt)).toBe(300);
    // pA's last row (hour 4) had nothing to send, yet the stay lasted 4 hours.
    expect(minutesAfterStart(a.dischargedAt)).toBe(240);
  });

  it('keeps sepsis onset for evaluation: the first labelled hour + 6 (the label leads onset by 6 h), else null', () => {
    expect(plans.map((p) => p.onsetHour)).toEqual([null, 10, null]);
  });

  it('refuses hours out of order and values that are not numbers, naming the patient and line', () => {
    const stay = (rows: Record<string, string>[]): PhysioNetStay => ({ patientId: 'pX', rows, firstLine: 7 });
    const plan = (s: PhysioNetStay) => () => replayPlan(s, { runId: RUN, admittedAt: START, vocabulary });
    expect(
      plan(
        stay([
          { ICULOS: '2', HR: '80' },
          { ICULOS: '2', HR: '81' },
        ]),
      ),
    ).toThrow(ReplayRowError);
    expect(
      plan(
        stay([
          { ICULOS: '2', HR: '80' },
          { ICULOS: '2', HR: '81' },
        ]),
      ),
    ).toThrow(/pX line 8: ICULOS/);
    expect(plan(stay([{ ICULOS: '1', HR: 'eighty' }]))).toThrow(/pX line 7: HR must be a number or empty/);
  });
});
