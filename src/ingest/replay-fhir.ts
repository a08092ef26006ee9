/** The FHIR R4 transaction Bundles of a replay: the Encounter, the facts and each hour's Observations (pure). */
import type {
  Bundle,
  BundleEntry,
  Coding,
  Encounter,
  Observation as FhirObservation,
  Resource,
} from '@medplum/fhirtypes';
import { CodedError } from '@/errors/coded-error';
import { MONITOR_CODE_SYSTEM, type MonitorVocabulary } from '@/monitoring/vocabulary';
import type { ReplayPlan, ReplayStep } from './replay-plan';

/** A replay source id that cannot be made a FHIR id. */
export class ReplayFhirIdError extends CodedError {
  readonly code = 'REPLAY_FHIR_ID';
}

const UCUM = 'http://unitsofmeasure.org';
const LOINC = 'http://loinc.org';
/** Where the replay's own observation id (`<stayRef>/<hour>/<code>`) is kept, since a FHIR id cannot hold it as is. */
export const REPLAY_SOURCE_ID_SYSTEM = 'http://clinical-risk-console/replay-source-id';
const VITAL_SIGNS = new Set(['HR', 'O2Sat', 'Temp', 'SBP', 'MAP', 'DBP', 'Resp', 'EtCO2']);

/**
 * A FHIR id ([A-Za-z0-9\-.]{1,64}) for a replay source id: '/' becomes '.', '_' becomes '-'. Deterministic, so a
 * redelivered Observation keeps its id, which is what the Console's FHIR way in takes as the source id; the replay's
 * own id is kept beside it as an identifier (REPLAY_SOURCE_ID_SYSTEM).
 */
export function fhirObservationId(sourceId: string): string {
  const id = sourceId.replaceAll('/', '.').replaceAll('_', '-');
  if (!/^[A-Za-z0-9\-.]{1,64}$/.test(id))
    throw new ReplayFhirIdError(`source id ${sourceId} cannot be a FHIR id (${id}): 1 to 64 of A-Z a-z 0-9 - .`);
  return id;
}

function codingOf(vocabulary: MonitorVocabulary, code: string): Coding[] {
  const loinc = vocabulary.get(code)?.loinc[0];
  return [...(loinc ? [{ system: LOINC, code: loinc }] : []), { system: MONITOR_CODE_SYSTEM, code }];
}

function categoryOf(code: string): FhirObservation['category'] {
  const category = VITAL_SIGNS.has(code) ? 'vital-signs' : 'laboratory';
  return [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: category }] }];
}

function encounterOf(plan: ReplayPlan, finished: boolean): Encounter {
  return {
    resourceType: 'Encounter',
    id: plan.stayRef,
    status: finished ? 'finished' : 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: 'inpatient encounter' },
    subject: { reference: `Patient/${plan.patientRef}` },
    period: {
      start: plan.admittedAt.toISOString(),
      ...(finished ? { end: plan.dischargedAt.toISOString() } : {}),
    },
    location: [{ location: { display: plan.unit } }],
  };
}

function observationOf(
  vocabulary: MonitorVocabulary,
  plan: ReplayPlan,
  o: { name: string; value: number; time: Date; sourceId: string },
  fact: boolean,
): FhirObservation {
  const code = vocabulary.get(o.name);
  const base: FhirObservation = {
    resourceType: 'Observation',
    id: fhirObservationId(o.sourceId),
    identifier: [{ system: REPLAY_SOURCE_ID_SYSTEM, value: o.sourceId }],
    status: 'final',
    // Facts of the stay (age, gender) are not measurements: FHIR files them under social history.
    category: fact
      ? [
          {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'social-history' }],
          },
        ]
      : categoryOf(o.name),
    code: { coding: codingOf(vocabulary, o.name), text: o.name },
    subject: { reference: `Patient/${plan.patientRef}` },
    encounter: { reference: `Encounter/${plan.stayRef}` },
    effectiveDateTime: o.time.toISOString(),
  };
  if (o.name === 'Gender')
    return {
      ...base,
      valueCodeableConcept: {
        // The challenge codes Gender 1 = male, 0 = female.
        coding: [{ system: 'http://hl7.org/fhir/administrative-gender', code: o.value === 1 ? 'male' : 'female' }],
      },
    };
  const ucum = code?.ucum ?? '1';
  return { ...base, valueQuantity: { value: o.value, unit: ucum, system: UCUM, code: ucum } };
}

function entry(resource: Resource & { id?: string }): BundleEntry {
  // PUT by id, no fullUrl: a urn:uuid fullUrl must be a UUID, and the ids here are the replay's own, stable ones.
  return {
    resource,
    request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
  };
}

/** The admission's resources: the Encounter (in progress) and the facts as Observations at admission. */
function admissionEntries(vocabulary: MonitorVocabulary, plan: ReplayPlan): BundleEntry[] {
  return [
    entry(encounterOf(plan, false)),
    ...plan.facts.map((f) =>
      entry(
        observationOf(
          vocabulary,
          plan,
          { name: f.name, value: f.value, time: plan.admittedAt, sourceId: `${plan.stayRef}/0/${f.name}` },
          true,
        ),
      ),
    ),
  ];
}

/** The transaction Bundle of one step; the first step's also admits the stay (Encounter and facts). */
export function fhirStepBundle(
  vocabulary: MonitorVocabulary,
  plan: ReplayPlan,
  step: ReplayStep,
  withAdmission: boolean,
): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      ...(withAdmission ? admissionEntries(vocabulary, plan) : []),
      ...step.observations.map((o) => entry(observationOf(vocabulary, plan, o, false))),
    ],
  };
}

/** The discharge: the Encounter put again, finished, with its period's end (and the admission if none was sent). */
export function fhirDischargeBundle(vocabulary: MonitorVocabulary, plan: ReplayPlan, withAdmission: boolean): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [...(withAdmission ? admissionEntries(vocabulary, plan) : []), entry(encounterOf(plan, true))],
  };
}
