/**
 * Hand-written FHIR R4 resources as hospital systems send them (shaped after the specification's vital-signs examples)
 * and the monitor vocabulary of the shipped cards, for the FHIR way in's tests.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, BundleEntry, Encounter, Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { ModelCard } from '@/inference/model-card';
import { MonitorVocabulary } from '@/monitoring/vocabulary';

const card = (id: string) => JSON.parse(readFileSync(join('models', id, 'card.json'), 'utf8')) as ModelCard;

/** The vocabulary the monitor builds from the shipped sepsis and icu-mortality cards. */
export const vocabulary = MonitorVocabulary.fromCards({
  sepsis: card('sepsis'),
  'icu-mortality': card('icu-mortality'),
});

const VITAL_SIGNS = [
  {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/observation-category',
        code: 'vital-signs',
        display: 'Vital Signs',
      },
    ],
    text: 'Vital Signs',
  },
];

export const patient: Patient = {
  resourceType: 'Patient',
  id: 'pat-1001',
  identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: '12345' }],
  name: [{ family: 'Chalmers', given: ['Peter', 'James'] }],
  gender: 'male',
  birthDate: '1958-12-25',
};

export const encounter: Encounter = {
  resourceType: 'Encounter',
  id: 'enc-2001',
  status: 'in-progress',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
  subject: { reference: 'Patient/pat-1001' },
  period: { start: '2026-03-01T06:30:00+01:00' },
  location: [{ location: { reference: 'Location/ward-4b', display: 'Ward 4B' }, status: 'active' }],
};

/** Body temperature, as the specification's `body-temperature` example (with a time zone, and in °F). */
export const temperature: Observation = {
  resourceType: 'Observation',
  id: 'temp-1',
  meta: { profile: ['http://hl7.org/fhir/StructureDefinition/vitalsigns'] },
  status: 'final',
  category: VITAL_SIGNS,
  code: {
    coding: [{ system: 'http://loinc.org', code: '8310-5', display: 'Body temperature' }],
    text: 'Body temperature',
  },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T08:00:00+01:00',
  valueQuantity: { value: 100.4, unit: 'degF', system: 'http://unitsofmeasure.org', code: '[degF]' },
};

export const heartRate: Observation = {
  resourceType: 'Observation',
  id: 'hr-1',
  status: 'final',
  category: VITAL_SIGNS,
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }], text: 'Heart rate' },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T08:00:00+01:00',
  valueQuantity: { value: 112, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
};

/** The specification's `blood-pressure` example: a panel whose components are the measurements. */
export const bloodPressure: Observation = {
  resourceType: 'Observation',
  id: 'bp-1',
  status: 'final',
  category: VITAL_SIGNS,
  code: {
    coding: [
      { system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel with all children optional' },
    ],
    text: 'Blood pressure systolic & diastolic',
  },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T08:00:00+01:00',
  bodySite: { coding: [{ system: 'http://snomed.info/sct', code: '368209003', display: 'Right arm' }] },
  component: [
    {
      code: {
        coding: [
          { system: 'http://loinc.org', code: '8480-6', display: 'Systolic blood pressure' },
          { system: 'http://snomed.info/sct', code: '271649006', display: 'Systolic blood pressure' },
        ],
      },
      valueQuantity: { value: 94, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8462-4', display: 'Diastolic blood pressure' }] },
      valueQuantity: { value: 58, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
    {
      code: { coding: [{ system: 'http://loinc.org', code: '8478-0', display: 'Mean blood pressure' }] },
      valueQuantity: { value: 70, unit: 'mmHg', system: 'http://unitsofmeasure.org', code: 'mm[Hg]' },
    },
  ],
};

/** Level of responsiveness (ACVPU) coded in SNOMED CT. */
export const consciousness: Observation = {
  resourceType: 'Observation',
  id: 'acvpu-1',
  status: 'final',
  category: VITAL_SIGNS,
  code: { coding: [{ system: 'http://loinc.org', code: '67775-7', display: 'Level of responsiveness' }] },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T08:00:00+01:00',
  valueCodeableConcept: {
    coding: [{ system: 'http://snomed.info/sct', code: '300202002', display: 'Responds to voice (finding)' }],
    text: 'Voice',
  },
};

export const oxygenFlow: Observation = {
  resourceType: 'Observation',
  id: 'o2-1',
  status: 'final',
  category: VITAL_SIGNS,
  code: { coding: [{ system: 'http://loinc.org', code: '3151-8', display: 'Inhaled oxygen flow rate' }] },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T08:00:00+01:00',
  valueQuantity: { value: 2, unit: 'L/min', system: 'http://unitsofmeasure.org', code: 'L/min' },
};

export const lactate: Observation = {
  resourceType: 'Observation',
  id: 'lac-1',
  status: 'final',
  category: [
    { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] },
  ],
  code: {
    coding: [{ system: 'http://loinc.org', code: '2524-7', display: 'Lactate [Moles/volume] in Serum or Plasma' }],
  },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T07:45:00Z',
  valueQuantity: { value: 3.1, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
};

export const age: Observation = {
  resourceType: 'Observation',
  id: 'age-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '30525-0', display: 'Age' }] },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T06:30:00+01:00',
  valueQuantity: { value: 67, unit: 'years', system: 'http://unitsofmeasure.org', code: 'a' },
};

export const sex: Observation = {
  resourceType: 'Observation',
  id: 'sex-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '76689-9', display: 'Sex assigned at birth' }] },
  subject: { reference: 'Patient/pat-1001' },
  encounter: { reference: 'Encounter/enc-2001' },
  effectiveDateTime: '2026-03-01T06:30:00+01:00',
  valueCodeableConcept: { coding: [{ system: 'http://loinc.org', code: 'LA2-8', display: 'Male' }] },
};

/** A copy of `resource` with `changes` (shallow). */
export function changed<T extends Resource>(resource: T, changes: Record<string, unknown>): T {
  return { ...resource, ...changes } as T;
}

/** An entry POSTing (or PUTting, when the resource has an id and `put`) the resource. */
export function entry(resource: Resource, options: { put?: boolean; fullUrl?: string } = {}): BundleEntry {
  return {
    ...(options.fullUrl ? { fullUrl: options.fullUrl } : {}),
    resource,
    request: options.put
      ? { method: 'PUT', url: `${resource.resourceType}/${resource.id}` }
      : { method: 'POST', url: resource.resourceType },
  };
}

export function transaction(...entries: (Resource | BundleEntry)[]): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: entries.map((e) => ('resourceType' in e ? entry(e) : e)),
  };
}
