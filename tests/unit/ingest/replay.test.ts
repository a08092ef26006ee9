/**
 * The replay's pacing on a virtual clock (hour t of every stay at t·3600/speed s, each stay in order, stays
 * concurrently within the bound), failures counted and survived, and what the GraphQL and FHIR transports send.
 */
import { Readable } from 'node:stream';
import type { Bundle, Encounter, Observation } from '@medplum/fhirtypes';
import { staysOfCsv } from '@/ingest/physionet2019-stays';
import { replayPlan, type ReplayPlan } from '@/ingest/replay-plan';
import { replay, systemClock, type ReplayClock } from '@/ingest/replay';
import { fhirObservationId, fhirStepBundle, REPLAY_SOURCE_ID_SYSTEM } from '@/ingest/replay-fhir';
import { fhirTransport, graphqlTransport, type Fetch, type ReplayTransport } from '@/ingest/replay-transports';
import { MONITOR_CODE_SYSTEM } from '@/monitoring/vocabulary';
import { shippedVocabulary } from '../../support/monitor-vocabulary';

const vocabulary = shippedVocabulary();
const START = new Date('2026-03-01T08:00:00Z');

const CSV = `patient_id,HR,O2Sat,Resp,Age,Gender,Unit1,Unit2,HospAdmTime,ICULOS,SepsisLabel
pA,80,97,,70,1,1,0,-1.5,1,0
pA,,,18,70,1,1,0,-1.5,2,0
pA,,,,70,1,1,0,-1.5,3,0
pA,,,,70,1,1,0,-1.5,4,0
pB,90,,,64,0,0,1,-5,3,0
pB,95,,,64,0,0,1,-5,4,1
pB,100,,,64,0,0,1,-5,5,1
`;

async function fixturePlans(csv = CSV): Promise<ReplayPlan[]> {
  const plans: ReplayPlan[] = [];
  for await (const stay of staysOfCsv(Readable.from([csv]), { patients: 100 }))
    plans.push(replayPlan(stay, { runId: 'run1', admittedAt: START, vocabulary }));
  return plans;
}

/** Virtual time: sleeps wait until the test advances the clock to them, earliest first, once all else is idle. */
class VirtualClock implements ReplayClock {
  private current: number;
  private timers: { at: number; resolve: () => void }[] = [];
  constructor(start: Date) {
    this.current = start.getTime();
  }
  now = () => this.current;
  sleepUntil = (at: number) =>
    at <= this.current ? Promise.resolve() : new Promise<void>((resolve) => this.timers.push({ at, resolve }));
  async run<T>(task: Promise<T>): Promise<T> {
    let finished = false;
    void task.then(
      () => (finished = true),
      () => (finished = true),
    );
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve));
      if (finished || this.timers.length === 0) continue;
      const at = Math.min(...this.timers.map((t) => t.at));
      this.current = at;
      const due = this.timers.filter((t) => t.at <= at);
      this.timers = this.timers.filter((t) => t.at > at);
      due.forEach((t) => t.resolve());
    }
    return task;
  }
}

/** A transport that records what it was asked to send, and when (ms after START). */
function recorder(clock: () => number) {
  const sent: string[] = [];
  const transport: ReplayTransport = {
    name: 'recorder',
    admit: async (plan) => void sent.push(`${clock() - START.getTime()} admit ${plan.patientRef}`),
    record: async (plan, step) => void sent.push(`${clock() - START.getTime()} ${plan.patientRef} hour ${step.hour}`),
    discharge: async (plan) => void sent.push(`${clock() - START.getTime()} discharge ${plan.patientRef}`),
    close: async () => undefined,
  };
  return { sent, transport };
}

describe('replay pacing', () => {
  it('at speed 600 admits every stay at once and sends hour t of each stay t·6 s after the start', async () => {
    const plans = await fixturePlans();
    const clock = new VirtualClock(START);
    const { sent, transport } = recorder(clock.now);
    const lines: string[] = [];
    const summary = await clock.run(
      replay({ plans, transport, speed: 600, startedAt: START, clock, log: (l) => lines.push(l) }),
    );
    // pA has data in hours 1 and 2 (3 and 4 are empty) and lasts 4 h; pB's ICULOS starts at 3.
    expect(sent).toEqual([
      '0 admit pA',
      '0 admit pB',
      '6000 pA hour 1',
      '12000 pA hour 2',
      '18000 pB hour 3',
      '24000 discharge pA',
      '24000 pB hour 4',
      '30000 pB hour 5',
      '30000 discharge pB',
    ]);
    expect(summary).toEqual({
      stays: 2,
      admitted: 2,
      discharged: 2,
      steps: 5,
      observations: 6,
      leftOut: 0,
      failures: 0,
      elapsedMs: 30_000,
    });
    expect(lines.at(-1)).toMatch(/^done: 2\/2 stays admitted, 2 discharged, 5 steps, 6 observations sent/);
  });

  it('at speed 0 (max) sends everything at once, still in hour order within each stay', async () => {
    const plans = await fixturePlans();
    const clock = new VirtualClock(START);
    const { sent, transport } = recorder(clock.now);
    await clock.run(replay({ plans, transport, speed: 0, startedAt: START, clock }));
    expect(sent.every((s) => s.startsWith('0 '))).toBe(true);
    const ofStay = (ref: string) => sent.filter((s) => s.includes(` ${ref}`)).map((s) => s.slice(2));
    expect(ofStay('pA')).toEqual(['admit pA', 'pA hour 1', 'pA hour 2', 'discharge pA']);
    expect(ofStay('pB')).toEqual(['admit pB', 'pB hour 3', 'pB hour 4', 'pB hour 5', 'discharge pB']);
  });

  it('runs stays concurrently, never more sends in flight than the bound, never two of one stay', async () => {
    const rows = Array.from({ length: 6 }, (_, p) =>
      [1, 2, 3, 4].map((h) => `p${p},${80 + h},,,60,1,,,-1,${h},0`).join('\n'),
    ).join('\n');
    const plans = await fixturePlans(`${CSV.split('\n')[0]}\n${rows}\n`);
    let inFlight = 0;
    let most = 0;
    const perStay = new Map<string, number>();
    const order = new Map<string, number[]>();
    const slow = async (ref: string, hour: number | null) => {
      inFlight++;
      most = Math.max(most, inFlight);
      perStay.set(ref, (perStay.get(ref) ?? 0) + 1);
      expect(perStay.get(ref)).toBe(1);
      if (hour !== null) order.set(ref, [...(order.get(ref) ?? []), hour]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      perStay.set(ref, (perStay.get(ref) ?? 0) - 1);
      inFlight--;
    };
    const transport: ReplayTransport = {
      name: 'slow',
      admit: (plan) => slow(plan.stayRef, null),
      record: (plan, step) => slow(plan.stayRef, step.hour),
      discharge: (plan) => slow(plan.stayRef, null),
      close: async () => undefined,
    };
    const summary = await replay({ plans, transport, speed: 0, startedAt: START, clock: systemClock, concurrency: 3 });
    expect(most).toBe(3);
    expect([...order.values()]).toEqual(Array.from({ length: 6 }, () => [1, 2, 3, 4]));
    expect(summary).toMatchObject({ stays: 6, admitted: 6, discharged: 6, steps: 24, failures: 0 });
  });

  it('counts a failed send and goes on; a stay whose admission failed sends nothing more', async () => {
    const plans = await fixturePlans();
    const clock = new VirtualClock(START);
    const { sent, transport } = recorder(clock.now);
    const failing: ReplayTransport = {
      ...transport,
      admit: (plan) => (plan.patientRef === 'pB' ? Promise.reject(new Error('no such unit')) : transport.admit(plan)),
      record: (plan, step, i) =>
        step.hour === 1 ? Promise.reject(new Error('HR refused')) : transport.record(plan, step, i),
    };
    const lines: string[] = [];
    const summary = await clock.run(
      replay({ plans, transport: failing, speed: 600, startedAt: START, clock, log: (l) => lines.push(l) }),
    );
    expect(sent).toEqual(['0 admit pA', '12000 pA hour 2', '24000 discharge pA']);
    expect(summary).toMatchObject({ admitted: 1, steps: 1, discharged: 1, failures: 2 });
    expect(lines).toEqual(
      expect.arrayContaining([`failed: admit pB-run1: no such unit`, `failed: pA-run1 hour 1: HR refused`]),
    );
  });
});

/** A fetch that keeps each request and answers with `reply`. */
function fakeFetch(reply: (body: unknown) => { status: number; body: unknown }) {
  const requests: { url: string; headers: Record<string, string>; body: unknown }[] = [];
  const send: Fetch = async (url, init) => {
    const body = JSON.parse(init.body);
    requests.push({ url, headers: init.headers, body });
    const answer = reply(body);
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      text: async () => JSON.stringify(answer.body),
    };
  };
  return { requests, send };
}

describe('the GraphQL transport', () => {
  it('posts admitStay, recordObservations and dischargeStay with the bearer key and the documented inputs', async () => {
    const [plan] = await fixturePlans();
    const { requests, send } = fakeFetch(() => ({ status: 200, body: { data: { ok: { __typename: 'X' } } } }));
    const transport = graphqlTransport({ url: 'http://console.test/', key: 'crc_k', fetch: send });
    await transport.admit(plan);
    await transport.record(plan, plan.steps[0], 0);
    await transport.discharge(plan);
    expect(requests.map((r) => r.url)).toEqual(Array(3).fill('http://console.test/api/graphql'));
    expect(requests[0].headers).toMatchObject({ Authorization: 'Bearer crc_k', 'Content-Type': 'application/json' });
    const [admit, record, discharge] = requests.map((r) => r.body as { query: string; variables: { input: unknown } });
    expect(admit.query).toMatch(/admitStay\(input: \$input\)/);
    expect(admit.query).toMatch(/\$input: AdmitStayInput!/);
    expect(admit.variables.input).toEqual({
      stayRef: 'pA-run1',
      patientRef: 'pA',
      unit: 'micu',
      admittedAt: '2026-03-01T08:00:00.000Z',
      facts: [
        { name: 'Age', value: 70 },
        { name: 'Gender', value: 1 },
        { name: 'HospAdmTime', value: -1.5 },
      ],
    });
    expect(record.query).toMatch(/recordObservations\(input: \$input\)/);
    expect(record.variables.input).toEqual({
      stayRef: 'pA-run1',
      observations: [
        { name: 'HR', time: '2026-03-01T08:30:00.000Z', value: 80, id: 'pA-run1/1/HR' },
        { name: 'O2Sat', time: '2026-03-01T08:30:00.000Z', value: 97, id: 'pA-run1/1/O2Sat' },
      ],
    });
    expect(discharge.query).toMatch(/dischargeStay\(input: \$input\)/);
    expect(discharge.variables.input).toEqual({ stayRef: 'pA-run1', dischargedAt: '2026-03-01T12:00:00.000Z' });
  });

  it('throws a GraphQL error with its message and field errors', async () => {
    const [plan] = await fixturePlans();
    const { send } = fakeFetch(() => ({
      status: 200,
      body: {
        errors: [{ message: 'invalid input', extensions: { fields: [{ name: 'unit', message: 'too long' }] } }],
      },
    }));
    await expect(graphqlTransport({ url: 'http://c', key: 'k', fetch: send }).admit(plan)).rejects.toThrow(
      'admitStay: invalid input (unit: too long)',
    );
  });
});

describe('the FHIR transport', () => {
  it("builds one step's transaction Bundle: the Encounter and facts first, then the hour's Observations", async () => {
    const [plan] = await fixturePlans();
    const bundle: Bundle = fhirStepBundle(vocabulary, plan, plan.steps[0], true);
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'transaction' });
    const entries = bundle.entry ?? [];
    expect(entries.map((e) => `${e.request?.method} ${e.request?.url}`)).toEqual([
      'PUT Encounter/pA-run1',
      'PUT Observation/pA-run1.0.Age',
      'PUT Observation/pA-run1.0.Gender',
      'PUT Observation/pA-run1.0.HospAdmTime',
      'PUT Observation/pA-run1.1.HR',
      'PUT Observation/pA-run1.1.O2Sat',
    ]);
    for (const e of entries) {
      expect(e.resource?.id).toMatch(/^[A-Za-z0-9\-.]{1,64}$/);
      expect(e.request?.url).toBe(`${e.resource?.resourceType}/${e.resource?.id}`);
    }
    const encounter = entries[0].resource as Encounter;
    expect(encounter).toMatchObject({
      resourceType: 'Encounter',
      id: 'pA-run1',
      status: 'in-progress',
      subject: { reference: 'Patient/pA' },
      period: { start: '2026-03-01T08:00:00.000Z' },
      location: [{ location: { display: 'micu' } }],
    });
    const [age, gender, hospAdm, hr] = entries.slice(1).map((e) => e.resource as Observation);
    expect(age.code.coding).toEqual([
      { system: 'http://loinc.org', code: '30525-0' },
      { system: MONITOR_CODE_SYSTEM, code: 'Age' },
    ]);
    expect(age.valueQuantity).toEqual({ value: 70, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' });
    expect(age.effectiveDateTime).toBe('2026-03-01T08:00:00.000Z');
    expect(gender.code.coding?.[0]).toEqual({ system: 'http://loinc.org', code: '76689-9' });
    expect(gender.valueCodeableConcept?.coding?.[0]).toMatchObject({ code: 'male' });
    expect(hospAdm.code.coding).toEqual([{ system: MONITOR_CODE_SYSTEM, code: 'HospAdmTime' }]);
    expect(hr).toMatchObject({
      resourceType: 'Observation',
      id: 'pA-run1.1.HR',
      identifier: [{ system: REPLAY_SOURCE_ID_SYSTEM, value: 'pA-run1/1/HR' }],
      status: 'final',
      category: [{ coding: [{ code: 'vital-signs' }] }],
      code: {
        coding: [
          { system: 'http://loinc.org', code: '8867-4' },
          { system: MONITOR_CODE_SYSTEM, code: 'HR' },
        ],
      },
      valueQuantity: { value: 80, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      effectiveDateTime: '2026-03-01T08:30:00.000Z',
      encounter: { reference: 'Encounter/pA-run1' },
      subject: { reference: 'Patient/pA' },
    });
    // Source ids map to FHIR ids deterministically ('_' is not a FHIR id character).
    expect(fhirObservationId('pA-run1/7/Bilirubin_direct')).toBe('pA-run1.7.Bilirubin-direct');
  });

  it('sends the admission with the first bundle only, discharges by putting the Encounter finished', async () => {
    const [plan] = await fixturePlans();
    const { requests, send } = fakeFetch(() => ({ status: 200, body: { resourceType: 'Bundle' } }));
    const transport = fhirTransport({ url: 'http://c', key: 'k', fetch: send, vocabulary });
    await transport.admit(plan);
    for (const [i, step] of plan.steps.entries()) await transport.record(plan, step, i);
    await transport.discharge(plan);
    expect(requests.map((r) => r.url)).toEqual(Array(3).fill('http://c/api/fhir'));
    expect(requests[0].headers).toMatchObject({
      'Content-Type': 'application/fhir+json',
      Authorization: 'Bearer k',
    });
    const kinds = requests.map((r) => (r.body as Bundle).entry?.map((e) => e.resource?.resourceType));
    expect(kinds).toEqual([
      ['Encounter', 'Observation', 'Observation', 'Observation', 'Observation', 'Observation'],
      ['Observation'],
      ['Encounter'],
    ]);
    const finished = (requests[2].body as Bundle).entry?.[0].resource as Encounter;
    expect(finished).toMatchObject({
      status: 'finished',
      period: { start: '2026-03-01T08:00:00.000Z', end: '2026-03-01T12:00:00.000Z' },
    });
  });

  it("throws a refusal with the OperationOutcome's diagnostics", async () => {
    const [plan] = await fixturePlans();
    const { send } = fakeFetch(() => ({
      status: 422,
      body: {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'invalid', diagnostics: 'bad HR' }],
      },
    }));
    await expect(
      fhirTransport({ url: 'http://c', key: 'k', fetch: send, vocabulary }).record(plan, plan.steps[0], 0),
    ).rejects.toThrow('pA-run1 hour 1: HTTP 422 from http://c/api/fhir: bad HR');
  });
});
