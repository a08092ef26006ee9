/**
 * The FHIR R4 mapping: a batch or transaction Bundle of Encounters and vital-sign and laboratory Observations becomes
 * one monitor batch (units passed through as UCUM), and every problem names its entry and element.
 */
import type { Bundle, Observation } from '@medplum/fhirtypes';
import { mapBundle, STAY_FACT_EXTENSION, type BundleMapping, type MappedBundle } from '@/ingest/fhir-bundle';
import { checkBatch } from '@/monitoring/ingest-validation';
import { toCodeUnit } from '@/monitoring/vocabulary';
import {
  age,
  bloodPressure,
  changed,
  consciousness,
  encounter,
  entry,
  heartRate,
  lactate,
  oxygenFlow,
  patient,
  sex,
  temperature,
  transaction,
  vocabulary,
} from '../../support/fhir-bundles';

const at = (text: string) => new Date(text);

function mapped(bundle: unknown): MappedBundle {
  const mapping = mapBundle(bundle, vocabulary, 'key-1');
  if (!mapping.ok) throw new Error(`expected a batch, got ${JSON.stringify(mapping.problems, null, 2)}`);
  return mapping.mapped;
}

function problems(bundle: unknown) {
  const mapping: BundleMapping = mapBundle(bundle, vocabulary, 'key-1');
  if (mapping.ok) throw new Error('expected problems');
  return mapping.problems;
}

/** The observations of the one stay of a bundle. */
const observationsOf = (bundle: Bundle) => mapped(bundle).batch.observations![0].observations;

describe('a transaction of an admission with its vitals, labs and facts', () => {
  const bundle = transaction(patient, encounter, age, sex, temperature, heartRate, lactate, consciousness, oxygenFlow);

  it('becomes one batch: the admission with its facts, then the observations in the order sent', () => {
    const { batch, entries } = mapped(bundle);
    expect(batch).toEqual({
      source: 'fhir',
      requester: 'key-1',
      admissions: [
        {
          stayRef: 'enc-2001',
          patientRef: 'pat-1001',
          unit: 'Ward 4B',
          admittedAt: at('2026-03-01T05:30:00Z'),
          facts: [
            { name: 'Age', value: 67, unit: 'a' },
            { name: 'Gender', value: 1, unit: null },
          ],
        },
      ],
      observations: [
        {
          stayRef: 'enc-2001',
          observations: [
            {
              name: 'Temp',
              time: at('2026-03-01T07:00:00Z'),
              value: 100.4,
              unit: '[degF]',
              sourceId: 'temp-1',
              supersedes: null,
              status: 'final',
            },
            {
              name: 'HR',
              time: at('2026-03-01T07:00:00Z'),
              value: 112,
              unit: '/min',
              sourceId: 'hr-1',
              supersedes: null,
              status: 'final',
            },
            {
              name: 'Lactate',
              time: at('2026-03-01T07:45:00Z'),
              value: 3.1,
              unit: 'mmol/L',
              sourceId: 'lac-1',
              supersedes: null,
              status: 'final',
            },
            {
              name: 'Consciousness',
              time: at('2026-03-01T07:00:00Z'),
              value: 2,
              unit: null,
              sourceId: 'acvpu-1',
              supersedes: null,
              status: 'final',
            },
            {
              name: 'SupplementalO2',
              time: at('2026-03-01T07:00:00Z'),
              value: 1,
              unit: null,
              sourceId: 'o2-1',
              supersedes: null,
              status: 'final',
            },
          ],
        },
      ],
    });
    expect(entries).toEqual([
      { kind: 'ignored', resourceType: 'Patient' },
      { kind: 'encounter', stayRef: 'enc-2001', admission: true, discharge: false },
      { kind: 'fact', stayRef: 'enc-2001' },
      { kind: 'fact', stayRef: 'enc-2001' },
      ...[0, 1, 2, 3, 4].map((p) => ({ kind: 'observations', stayRef: 'enc-2001', positions: [p] })),
    ]);
  });

  it('passes a temperature in [degF] through as UCUM, which the vocabulary converts to Cel (100.4 °F = 38 °C)', () => {
    const [temp] = observationsOf(bundle);
    expect(temp.unit).toBe('[degF]');
    expect(toCodeUnit(vocabulary.get('Temp')!, temp.value!, temp.unit)).toEqual({ value: 38 });
  });

  it('reads the observations whatever the order of the entries (Observations before their Encounter)', () => {
    const reordered = transaction(temperature, encounter, patient);
    expect(observationsOf(reordered)).toHaveLength(1);
    expect(mapped(reordered).batch.admissions).toHaveLength(1);
  });
});

it('reads an Observation with another category, or none, when its LOINC code is one the monitor reads', () => {
  const noCategory = changed(heartRate, { category: undefined });
  const exam = changed(heartRate, {
    id: 'hr-2',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'exam' }] }],
  });
  expect(observationsOf(transaction(noCategory, exam)).map((o) => o.sourceId)).toEqual(['hr-1', 'hr-2']);
});

it('takes the time from effectiveInstant or effectivePeriod.start when there is no effectiveDateTime', () => {
  const instant = changed(heartRate, { effectiveDateTime: undefined, effectiveInstant: '2026-03-01T09:00:00.000Z' });
  const period = changed(heartRate, {
    id: 'hr-2',
    effectiveDateTime: undefined,
    effectivePeriod: { start: '2026-03-01T10:00:00Z', end: '2026-03-01T10:05:00Z' },
  });
  expect(observationsOf(transaction(instant, period)).map((o) => o.time)).toEqual([
    at('2026-03-01T09:00:00Z'),
    at('2026-03-01T10:00:00Z'),
  ]);
});

describe('a blood pressure panel', () => {
  it('becomes one observation per component, each with the source id <id>#<component LOINC>', () => {
    const observations = observationsOf(transaction(bloodPressure));
    expect(observations.map(({ name, value, unit, sourceId }) => ({ name, value, unit, sourceId }))).toEqual([
      { name: 'SBP', value: 94, unit: 'mm[Hg]', sourceId: 'bp-1#8480-6' },
      { name: 'DBP', value: 58, unit: 'mm[Hg]', sourceId: 'bp-1#8462-4' },
      { name: 'MAP', value: 70, unit: 'mm[Hg]', sourceId: 'bp-1#8478-0' },
    ]);
    expect(mapped(transaction(bloodPressure)).entries).toEqual([
      { kind: 'observations', stayRef: 'enc-2001', positions: [0, 1, 2] },
    ]);
  });

  it('needs a systolic and a diastolic component', () => {
    const systolicOnly = changed(bloodPressure, { component: [bloodPressure.component![0]] });
    expect(problems(transaction(systolicOnly))).toEqual([
      {
        entry: 0,
        expression: 'Bundle.entry[0].resource.component',
        message: expect.stringMatching(/needs components 8480-6 .* missing 8462-4/),
        code: 'required',
      },
    ]);
  });
});

describe('consciousness (ACVPU, LOINC 67775-7)', () => {
  const answer = (valueCodeableConcept: unknown) =>
    observationsOf(transaction(changed(consciousness, { valueCodeableConcept })))[0].value;

  it.each([
    ['248234008', 0],
    ['300202002', 2],
    ['450847001', 3],
    ['422768004', 4],
  ])('reads SNOMED CT %s as %d', (code, value) => {
    expect(answer({ coding: [{ system: 'http://snomed.info/sct', code }] })).toBe(value);
  });

  it.each([
    ['Alert', 0],
    ['New confusion', 1],
    ['Confusion', 1],
    ['Voice', 2],
    ['Pain', 3],
    ['Unresponsive', 4],
    ['U', 4],
  ])('reads the text %p as %d', (text, value) => {
    expect(answer({ text })).toBe(value);
  });

  it('reads the display of a coding from a local code system', () => {
    expect(answer({ coding: [{ system: 'urn:oid:1.2.3.4', code: 'X7', display: 'Responds to pain' }] })).toBe(3);
  });

  it('refuses an answer it does not know, naming the allowed ones', () => {
    expect(problems(transaction(changed(consciousness, { valueCodeableConcept: { text: 'not alert' } })))).toEqual([
      {
        entry: 0,
        expression: 'Bundle.entry[0].resource.valueCodeableConcept',
        message: expect.stringContaining('Alert, new Confusion, Voice, Pain, Unresponsive'),
        code: 'invalid',
      },
    ]);
  });
});

describe('inhaled oxygen flow rate (LOINC 3151-8)', () => {
  it('is SupplementalO2 1 above zero and 0 at zero, in any unit', () => {
    const flows = [2, 0, 0.5].map((value, i) =>
      changed(oxygenFlow, {
        id: `o2-${i}`,
        valueQuantity: { value, system: 'http://unitsofmeasure.org', code: 'L/min' },
      }),
    );
    const noUnit = changed(oxygenFlow, { id: 'o2-x', valueQuantity: { value: 3 } });
    expect(observationsOf(transaction(...flows, noUnit)).map((o) => [o.name, o.value, o.unit])).toEqual([
      ['SupplementalO2', 1, null],
      ['SupplementalO2', 0, null],
      ['SupplementalO2', 1, null],
      ['SupplementalO2', 1, null],
    ]);
  });

  it('refuses a negative flow', () => {
    const negative = changed(oxygenFlow, {
      valueQuantity: { value: -1, system: 'http://unitsofmeasure.org', code: 'L/min' },
    });
    expect(problems(transaction(negative))).toMatchObject([
      { entry: 0, expression: 'Bundle.entry[0].resource.valueQuantity.value', code: 'invalid' },
    ]);
  });
});

it('passes FiO2 in % through for the vocabulary to convert to a fraction', () => {
  const fio2 = changed(heartRate, {
    id: 'fio2-1',
    code: { coding: [{ system: 'http://loinc.org', code: '3150-0', display: 'Inhaled oxygen concentration' }] },
    valueQuantity: { value: 40, unit: '%', system: 'http://unitsofmeasure.org', code: '%' },
  });
  const [observation] = observationsOf(transaction(fio2));
  expect(observation).toMatchObject({ name: 'FiO2', value: 40, unit: '%' });
  expect(toCodeUnit(vocabulary.get('FiO2')!, 40, '%')).toEqual({ value: 0.4 });
});

describe('corrections', () => {
  it('maps preliminary to final', () => {
    expect(observationsOf(transaction(changed(heartRate, { status: 'preliminary' })))[0].status).toBe('final');
  });

  it('keeps an amended result as a new version superseding the original: <id>/_history/<versionId>', () => {
    const amended = changed(heartRate, {
      status: 'amended',
      meta: { versionId: '2' },
      valueQuantity: { ...heartRate.valueQuantity, value: 121 },
    });
    expect(observationsOf(transaction(entry(amended, { put: true })))[0]).toMatchObject({
      value: 121,
      status: 'amended',
      sourceId: 'hr-1/_history/2',
      supersedes: 'hr-1',
    });
  });

  it('names a corrected result without a versionId by its time: <id>/amended/<effective time>', () => {
    const corrected = changed(heartRate, { status: 'corrected' });
    expect(observationsOf(transaction(corrected))[0]).toMatchObject({
      status: 'amended',
      sourceId: 'hr-1/amended/2026-03-01T07:00:00.000Z',
      supersedes: 'hr-1',
    });
  });

  it('withdraws an entered-in-error result: value null, superseding the original', () => {
    const withdrawn = changed(heartRate, { status: 'entered-in-error', valueQuantity: undefined });
    expect(observationsOf(transaction(withdrawn))[0]).toEqual({
      name: 'HR',
      time: at('2026-03-01T07:00:00Z'),
      value: null,
      unit: null,
      sourceId: 'hr-1/entered-in-error',
      supersedes: 'hr-1',
      status: 'entered-in-error',
    });
  });

  it('amends each component of a blood pressure panel', () => {
    const amended = changed(bloodPressure, { status: 'amended', meta: { versionId: '3' } });
    expect(observationsOf(transaction(amended)).map((o) => [o.sourceId, o.supersedes])).toEqual([
      ['bp-1/_history/3#8480-6', 'bp-1#8480-6'],
      ['bp-1/_history/3#8462-4', 'bp-1#8462-4'],
      ['bp-1/_history/3#8478-0', 'bp-1#8478-0'],
    ]);
  });

  it('needs the id of the observation an amendment corrects', () => {
    const anonymous = changed(heartRate, { id: undefined, status: 'amended' });
    expect(problems(transaction(anonymous))).toMatchObject([
      { entry: 0, expression: 'Bundle.entry[0].resource.id', code: 'required' },
    ]);
  });

  it.each(['cancelled', 'registered', 'unknown'])('refuses a %s Observation, naming the statuses kept', (status) => {
    expect(problems(transaction(changed(heartRate, { status })))).toEqual([
      {
        entry: 0,
        expression: 'Bundle.entry[0].resource.status',
        message: expect.stringContaining('allowed: final, preliminary, amended, corrected, entered-in-error'),
        code: 'not-supported',
      },
    ]);
  });
});

describe('source ids', () => {
  it("takes a PUT's id from request.url when the resource has none, and an unnamed POST's from its fullUrl", () => {
    const put = {
      resource: changed(heartRate, { id: undefined }),
      request: { method: 'PUT', url: 'Observation/hr-9' },
    };
    const post = entry(changed(lactate, { id: undefined }), {
      fullUrl: 'urn:uuid:2f6b1c3e-0d5b-4a59-9c1f-6c1d7e0f2a11',
    });
    expect(observationsOf(transaction(put as never, post)).map((o) => o.sourceId)).toEqual([
      'hr-9',
      'urn:uuid:2f6b1c3e-0d5b-4a59-9c1f-6c1d7e0f2a11',
    ]);
  });
});

describe('Encounters', () => {
  const finished = changed(encounter, {
    status: 'finished',
    period: { start: '2026-03-01T06:30:00+01:00', end: '2026-03-04T11:00:00+01:00' },
  });

  it('discharges a stay when it is finished with period.end (the update of an admitted stay: no admission)', () => {
    const { batch, entries } = mapped(transaction(finished));
    expect(batch.admissions).toBeUndefined();
    expect(batch.discharges).toEqual([{ stayRef: 'enc-2001', dischargedAt: at('2026-03-04T10:00:00Z') }]);
    expect(entries).toEqual([{ kind: 'encounter', stayRef: 'enc-2001', admission: false, discharge: true }]);
  });

  it('admits and discharges a finished stay sent whole, with its facts', () => {
    const { batch, entries } = mapped(transaction(finished, age, heartRate));
    expect(batch.admissions).toMatchObject([{ stayRef: 'enc-2001', facts: [{ name: 'Age', value: 67, unit: 'a' }] }]);
    expect(batch.discharges).toHaveLength(1);
    expect(entries[0]).toEqual({ kind: 'encounter', stayRef: 'enc-2001', admission: true, discharge: true });
  });

  it('takes the unit from location[0].location.display, else serviceType.text, else class.display', () => {
    const unitOf = (changes: Record<string, unknown>) =>
      mapped(transaction(changed(encounter, changes))).batch.admissions![0].unit;
    expect(unitOf({})).toBe('Ward 4B');
    expect(unitOf({ location: undefined, serviceType: { text: 'Medical ICU' } })).toBe('Medical ICU');
    expect(unitOf({ location: undefined })).toBe('inpatient encounter');
  });

  it('resolves an Observation whose encounter is the urn:uuid fullUrl of an Encounter entry', () => {
    const urn = 'urn:uuid:8c1f5f0e-3a7e-4c52-9d0b-0f4c3c1e2b77';
    const observation = changed(heartRate, { encounter: { reference: urn } });
    const bundle = transaction(entry(encounter, { fullUrl: urn }), observation);
    expect(mapped(bundle).batch.observations![0].stayRef).toBe('enc-2001');
  });

  it('takes facts of the stay from stay-fact extensions', () => {
    const withFacts = changed(encounter, {
      extension: [
        {
          url: STAY_FACT_EXTENSION,
          extension: [
            { url: 'code', valueCoding: { system: 'http://loinc.org', code: '30525-0' } },
            { url: 'value', valueQuantity: { value: 67, system: 'http://unitsofmeasure.org', code: 'a' } },
          ],
        },
        {
          url: STAY_FACT_EXTENSION,
          extension: [
            { url: 'code', valueCoding: { system: 'http://clinical-risk-console/monitor-code', code: 'ICUType' } },
            { url: 'value', valueQuantity: { value: 2, system: 'http://unitsofmeasure.org', code: '1' } },
          ],
        },
      ],
    });
    expect(mapped(transaction(withFacts)).batch.admissions![0].facts).toEqual([
      { name: 'Age', value: 67, unit: 'a' },
      { name: 'ICUType', value: 2, unit: '1' },
    ]);
  });

  it('refuses a fact of the stay whose Encounter is not in the bundle: facts are given at admission', () => {
    expect(problems(transaction(temperature, age))).toEqual([
      {
        entry: 1,
        expression: 'Bundle.entry[1].resource.encounter.reference',
        message: 'Age is a fact of the stay, given at admission: send it in the same bundle as Encounter/enc-2001',
        code: 'invalid',
      },
    ]);
  });

  it('refuses an Observation of another patient than its Encounter', () => {
    const other = changed(heartRate, { subject: { reference: 'Patient/pat-9999' } });
    expect(problems(transaction(encounter, other))).toEqual([
      {
        entry: 1,
        expression: 'Bundle.entry[1].resource.subject.reference',
        message: 'Patient/pat-9999 is not the patient of Encounter/enc-2001 (Patient/pat-1001)',
        code: 'invalid',
      },
    ]);
  });

  it('names every missing part of an Encounter', () => {
    const bare = { resourceType: 'Encounter', status: 'cancelled', class: { code: 'IMP' } };
    expect(problems(transaction(bare as never)).map((p) => [p.expression, p.code])).toEqual([
      ['Bundle.entry[0].resource.id', 'required'],
      ['Bundle.entry[0].resource.subject.reference', 'required'],
      ['Bundle.entry[0].resource.status', 'not-supported'],
      ['Bundle.entry[0].resource.period.start', 'required'],
      ['Bundle.entry[0].resource.location[0].location.display', 'required'],
    ]);
  });

  it('needs period.end on a finished Encounter', () => {
    expect(problems(transaction(changed(encounter, { status: 'finished' })))).toMatchObject([
      { entry: 0, expression: 'Bundle.entry[0].resource.period.end', code: 'required' },
    ]);
  });
});

describe('every problem of a bundle, each naming its entry and element', () => {
  const unknownCode = changed(heartRate, {
    id: 'x-1',
    code: { coding: [{ system: 'http://loinc.org', code: '8302-9', display: 'Some other height' }] },
  });
  const noUnit = changed(heartRate, { id: 'x-2', valueQuantity: { value: 88 } });
  const dateOnly = changed(temperature, { id: 'x-3', effectiveDateTime: '1999-07-02' });
  const noEncounter = changed(heartRate, { id: 'x-4', encounter: undefined });
  const comparator = changed(lactate, { id: 'x-5', valueQuantity: { ...lactate.valueQuantity, comparator: '>' } });
  const noValue = changed(heartRate, {
    id: 'x-6',
    valueQuantity: undefined,
    dataAbsentReason: { coding: [{ code: 'not-performed' }] },
  });
  const notUcum = changed(heartRate, {
    id: 'x-7',
    valueQuantity: { value: 80, system: 'http://example.org/units', code: 'bpm' },
  });
  const deletion = { resource: heartRate, request: { method: 'DELETE', url: 'Observation/hr-1' } };
  const medication = { resourceType: 'MedicationRequest', id: 'm-1', status: 'active', intent: 'order' };
  const bundle = transaction(
    unknownCode,
    noUnit,
    dateOnly,
    noEncounter,
    comparator,
    noValue,
    notUcum,
    deletion as never,
    medication as never,
    heartRate,
  );

  it('lists them all, in entry order, with FHIRPath expressions and codes', () => {
    expect(problems(bundle).map(({ entry, expression, code }) => [entry, expression, code])).toEqual([
      [0, 'Bundle.entry[0].resource.code.coding', 'not-supported'],
      [1, 'Bundle.entry[1].resource.valueQuantity.system', 'invalid'],
      [1, 'Bundle.entry[1].resource.valueQuantity.code', 'required'],
      [2, 'Bundle.entry[2].resource.effectiveDateTime', 'invalid'],
      [3, 'Bundle.entry[3].resource.encounter.reference', 'required'],
      [4, 'Bundle.entry[4].resource.valueQuantity.comparator', 'not-supported'],
      [5, 'Bundle.entry[5].resource.valueQuantity', 'required'],
      [6, 'Bundle.entry[6].resource.valueQuantity.system', 'invalid'],
      [7, 'Bundle.entry[7].request.method', 'not-supported'],
      [8, 'Bundle.entry[8].resource.resourceType', 'not-supported'],
    ]);
  });

  it('says what is allowed', () => {
    const messages = problems(bundle).map((p) => p.message);
    expect(messages[0]).toMatch(/it reads 8867-4 \(HR\), .*8310-5 \(Temp\).*3151-8 \(SupplementalO2\)/);
    expect(messages[0]).toMatch(/as facts of the stay 30525-0 \(Age\)/);
    expect(messages[2]).toBe('must be the UCUM unit of HR (unit /min)');
    expect(messages[3]).toMatch(/"1999-07-02" must carry a time and a time zone/);
    expect(messages[8]).toBe('must be POST or PUT (observations and stays are only added); got DELETE');
    expect(messages[9]).toBe('MedicationRequest is not read here; send Observation, Encounter or Patient');
  });
});

describe('bundles that are not a batch or a transaction', () => {
  it.each(['history', 'searchset', 'collection', 'document'])('refuses a %s Bundle', (type) => {
    expect(problems({ ...transaction(heartRate), type })).toEqual([
      {
        entry: null,
        expression: 'Bundle.type',
        message: `must be batch or transaction; got "${type}"`,
        code: 'not-supported',
      },
    ]);
  });

  it.each([
    [heartRate as unknown, 'a Observation'],
    [[heartRate], 'not a resource'],
    [null, 'not a resource'],
    [{ entry: [] }, 'a resource without resourceType'],
  ])('refuses %p, which is not a Bundle', (body, got) => {
    expect(problems(body)).toEqual([
      {
        entry: null,
        expression: 'Bundle',
        message: `send a Bundle of type batch or transaction; got ${got}`,
        code: 'structure',
      },
    ]);
  });

  it('refuses entries without a request or a resource', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ resource: heartRate }, { request: { method: 'POST', url: 'Observation' } }, 7],
    };
    expect(problems(bundle).map((p) => [p.expression, p.code])).toEqual([
      ['Bundle.entry[0].request', 'required'],
      ['Bundle.entry[1].resource', 'required'],
      ['Bundle.entry[2]', 'structure'],
    ]);
  });

  it('maps an empty batch to an empty monitor batch', () => {
    expect(mapped({ resourceType: 'Bundle', type: 'batch' })).toMatchObject({
      type: 'batch',
      batch: { source: 'fhir', requester: 'key-1' },
      entries: [],
    });
  });
});

describe('the locator: the monitor field paths back to entries', () => {
  const bundle = transaction(
    patient,
    changed(encounter, {
      status: 'finished',
      period: { start: '2026-03-01T06:30:00+01:00', end: '2026-03-02T06:30:00+01:00' },
    }),
    age,
    heartRate,
    bloodPressure,
    changed(heartRate, { id: 'hr-other', encounter: { reference: 'Encounter/enc-7' }, subject: undefined }),
  );
  const { locator } = mapped(bundle);

  it.each([
    ['observations[0].observations[0] (HR)', [[3, 'Bundle.entry[3].resource.valueQuantity']]],
    ['observations[0].observations[2] (DBP)', [[4, 'Bundle.entry[4].resource.component[1].valueQuantity']]],
    [
      'observations[0].stayRef',
      [
        [3, 'Bundle.entry[3].resource.encounter.reference'],
        [4, 'Bundle.entry[4].resource.encounter.reference'],
      ],
    ],
    ['observations[1].stayRef', [[5, 'Bundle.entry[5].resource.encounter.reference']]],
    ['admissions[0].unit', [[1, 'Bundle.entry[1].resource.location[0].location.display']]],
    ['admissions[0].admittedAt', [[1, 'Bundle.entry[1].resource.period.start']]],
    ['admissions[0].facts[0] (Age)', [[2, 'Bundle.entry[2].resource.valueQuantity']]],
    ['admissions[0].spo2Scale', [[1, 'Bundle.entry[1].resource']]],
    ['discharges[0].dischargedAt', [[1, 'Bundle.entry[1].resource.period.end']]],
    ['requester', [[null, 'Bundle']]],
    ['observations[9].stayRef', [[null, 'Bundle']]],
  ])('locates %s', (field, expected) => {
    expect(locator.locate(field).map((l) => [l.entry, l.expression])).toEqual(expected);
  });
});

it('keeps the observations of each stay in their own group', () => {
  const other = changed(heartRate, {
    id: 'hr-7',
    encounter: { reference: 'https://ehr.example.org/fhir/Encounter/enc-7/_history/1' },
  });
  const { batch } = mapped(transaction(heartRate, other, lactate));
  expect(
    batch.observations!.map((g) => [g.stayRef, g.observations.map((o: { sourceId?: string | null }) => o.sourceId)]),
  ).toEqual([
    ['enc-2001', ['hr-1', 'lac-1']],
    ['enc-7', ['hr-7']],
  ]);
});

it('reads a real lab Observation as the FHIR specification writes one', () => {
  const potassium: Observation = {
    resourceType: 'Observation',
    id: 'k-1',
    status: 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'laboratory',
            display: 'Laboratory',
          },
        ],
      },
    ],
    code: { coding: [{ system: 'http://loinc.org', code: '6298-4', display: 'Potassium [Moles/volume] in Blood' }] },
    subject: { reference: 'Patient/pat-1001' },
    encounter: { reference: 'Encounter/enc-2001' },
    effectiveDateTime: '2026-03-01T07:45:00+00:00',
    issued: '2026-03-01T08:20:00+00:00',
    valueQuantity: { value: 4.2, unit: 'mmol/l', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
    referenceRange: [{ low: { value: 3.5, unit: 'mmol/l' }, high: { value: 5.1, unit: 'mmol/l' } }],
  };
  expect(observationsOf(transaction(potassium))[0]).toMatchObject({ name: 'Potassium', value: 4.2, unit: 'mmol/L' });
});

it('reports the missing time of an Observation whose stay cannot be named, and a reference to a non-Encounter entry', () => {
  const urn = 'urn:uuid:0d7c2a54-5f43-4b0b-8a57-3f2f1e9b6c01';
  const toPatient = changed(heartRate, { encounter: { reference: urn }, effectiveDateTime: undefined });
  expect(problems(transaction({ fullUrl: urn, ...entry(patient) }, toPatient)).map((p) => p.expression)).toEqual([
    'Bundle.entry[1].resource.encounter.reference',
    'Bundle.entry[1].resource.effective',
  ]);
});

describe("against the monitor's own checks (checkBatch)", () => {
  it('maps a realistic bundle to a batch the monitor accepts, with [degF] converted to Cel and % FiO2 to a fraction', () => {
    const fio2 = changed(heartRate, {
      id: 'fio2-1',
      code: { coding: [{ system: 'http://loinc.org', code: '3150-0' }] },
      valueQuantity: { value: 40, system: 'http://unitsofmeasure.org', code: '%' },
    });
    const withdrawn = changed(heartRate, { id: 'hr-0', status: 'entered-in-error', valueQuantity: undefined });
    const bundle = transaction(
      patient,
      encounter,
      age,
      sex,
      temperature,
      bloodPressure,
      consciousness,
      oxygenFlow,
      fio2,
      withdrawn,
    );
    const { batch, errors } = checkBatch(vocabulary, mapped(bundle).batch);
    expect(errors).toEqual([]);
    expect(batch.observations.map((o) => [o.name, o.value])).toEqual([
      ['Temp', 38],
      ['SBP', 94],
      ['DBP', 58],
      ['MAP', 70],
      ['Consciousness', 2],
      ['SupplementalO2', 1],
      ['FiO2', 0.4],
      ['HR', null],
    ]);
  });

  it("locates the monitor's refusals (a value out of range, a unit it cannot convert) on their entries", () => {
    const racing = changed(heartRate, {
      valueQuantity: { value: 400, system: 'http://unitsofmeasure.org', code: '/min' },
    });
    const grams = changed(lactate, { valueQuantity: { value: 3, system: 'http://unitsofmeasure.org', code: 'g' } });
    const { batch, locator } = mapped(transaction(encounter, racing, grams));
    const { errors } = checkBatch(vocabulary, batch);
    expect(errors.map((e) => locator.locate(e.name))).toEqual([
      [{ entry: 1, expression: 'Bundle.entry[1].resource.valueQuantity' }],
      [{ entry: 2, expression: 'Bundle.entry[2].resource.valueQuantity' }],
    ]);
  });
});
