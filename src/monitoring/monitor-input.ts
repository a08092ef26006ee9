/**
 * What every way in (GraphQL, FHIR R4, NATS JetStream, replay) hands the monitor: admissions, observations and
 * discharges of stays, with where they came from. The monitor validates all of a batch before it stores any of it.
 */

/** Where an observation came from; with its source id it is stored once however often it is delivered. */
export const OBSERVATION_SOURCES = ['graphql', 'fhir', 'nats', 'replay'] as const;
export type ObservationSource = (typeof OBSERVATION_SOURCES)[number];

/** FHIR's Observation.status values the monitor keeps: a correction names the observation it supersedes. */
export const OBSERVATION_STATUSES = ['final', 'amended', 'entered-in-error'] as const;
export type ObservationStatus = (typeof OBSERVATION_STATUSES)[number];

/** One observation as sent: a monitor code, the instant it was taken, its value in `unit` (else the code's unit). */
export interface ObservationInput {
  name: string;
  time: Date;
  /** null only for `entered-in-error`, which withdraws the observation it supersedes. */
  value: number | null;
  /** UCUM unit of `value`; absent = the code's unit (the card's). */
  unit?: string | null;
  /** The sender's id of this observation, unique within its source; absent = one is made (no redelivery check). */
  sourceId?: string | null;
  /** The source id (same source) of the observation this one corrects or withdraws. */
  supersedes?: string | null;
  /** `final` unless told; `amended` and `entered-in-error` need `supersedes`. */
  status?: ObservationStatus | null;
}

/** A fact of the stay given at admission (age, gender, ...), by monitor code. */
export interface StayFactInput {
  name: string;
  value: number;
  unit?: string | null;
}

export interface AdmitInput {
  /** The hospital's encounter id: unique. */
  stayRef: string;
  patientRef: string;
  unit: string;
  admittedAt: Date;
  facts?: StayFactInput[] | null;
  /** NEWS2's SpO₂ scale: 2 only for hypercapnic respiratory failure, when a clinician says so. */
  spo2Scale?: 1 | 2 | null;
}

export interface StayObservationsInput {
  stayRef: string;
  observations: ObservationInput[];
}

export interface DischargeInput {
  stayRef: string;
  dischargedAt: Date;
}

/**
 * One unit of ingest, stored in one transaction or not at all: admissions first, then observations, then discharges.
 * Field errors are named from the batch (`admissions[0].unit`, `observations[1].observations[4] (HR)`), or, with
 * `prefix`, from the way in's own document.
 */
export interface IngestBatch {
  source: ObservationSource;
  /** Who sent it: an API key id, or the worker's name. */
  requester: string;
  admissions?: AdmitInput[];
  observations?: StayObservationsInput[];
  discharges?: DischargeInput[];
}

/** What one batch did. */
export interface IngestResult {
  /** Stays admitted (an admission already on record with the same content is not counted). */
  admitted: string[];
  /** Observations stored, per stay, in the order sent; `null` where a redelivered observation was already stored. */
  stored: { stayRef: string; observations: ({ id: string } | null)[] }[];
  /** Observations already on record (same source and source id): stored once, however often delivered. */
  duplicates: number;
  discharged: string[];
  /** Hours assessed per stay (re-assessments included). */
  assessed: { stayRef: string; hours: number[] }[];
  /** Alerts raised by those assessments. */
  alertsRaised: { stayRef: string; alertId: string; kind: string }[];
}
