/** A PhysioNet 2019 stay turned into what a replay sends: admission, one step per hour with data, discharge (pure). */
import { CodedError } from '@/errors/coded-error';
import { validateObservations } from '@/features/timeline';
import type { MonitorVocabulary } from '@/monitoring/vocabulary';
import type { PhysioNetStay } from './physionet2019-stays';

/** A stay row the replay cannot read (an hour that is not a whole number, hours out of order, a number that is not). */
export class ReplayRowError extends CodedError {
  readonly code = 'REPLAY_ROW';
}

/**
 * Columns never sent as observations. SepsisLabel above all: it is the answer the monitor is judged against, and it is
 * shifted 6 hours early (PROVENANCE.md), so it would tell the Console the future.
 */
const NOT_OBSERVATIONS = new Set(['patient_id', 'SepsisLabel', 'Unit1', 'Unit2', 'ICULOS']);

/** The facts of a 2019 stay: constant over its rows, given at admission. */
const FACT_COLUMNS = ['Age', 'Gender', 'HospAdmTime'] as const;

/** The challenge labels every hour from 6 h before onset on (PROVENANCE.md, "Label semantics"). */
export const SEPSIS_LABEL_LEAD_HOURS = 6;

export interface ReplayObservation {
  name: string;
  time: Date;
  value: number;
  /** `<stayRef>/<hour>/<code>`: a redelivery is stored once. */
  sourceId: string;
}

export interface ReplayStep {
  /** The row's ICULOS: hour t of the stay, (t − 1)·60 < minutes since admission ≤ t·60. */
  hour: number;
  observations: ReplayObservation[];
}

/** A value left out of a plan: outside its code's range, or not one its kind takes. */
export interface LeftOutValue {
  hour: number | null;
  code: string;
  value: number;
}

export interface ReplayPlan {
  patientId: string;
  stayRef: string;
  patientRef: string;
  unit: 'micu' | 'sicu' | 'icu';
  admittedAt: Date;
  facts: { name: string; value: number }[];
  /** Hours with at least one observation kept, in hour order. */
  steps: ReplayStep[];
  /** The stay's last ICULOS. */
  lastHour: number;
  dischargedAt: Date;
  /** Values left out (facts have `hour` null). */
  leftOut: LeftOutValue[];
  /**
   * Kept for evaluation, never sent: the hour of sepsis onset, the first labelled row's ICULOS + 6 (the label is set
   * from 6 h before onset), or null for a stay never labelled. A stay labelled from its first row had its onset at
   * most 6 h after that row.
   */
  onsetHour: number | null;
}

export interface PlanOptions {
  /** Makes stayRefs unique per run (e.g. `runIdOf(startedAt)`), so two runs never collide. */
  runId: string;
  /** The run's start: every stay of the run is admitted at this instant. */
  admittedAt: Date;
  vocabulary: MonitorVocabulary;
}

const MINUTE_MS = 60_000;

/** A run's id from its start: base 36 of the epoch milliseconds, short and ordered. */
export function runIdOf(startedAt: Date): string {
  return startedAt.getTime().toString(36);
}

function numberAt(stay: PhysioNetStay, row: number, column: string): number | null {
  const text = stay.rows[row][column];
  if (text === undefined || text === '') return null;
  const value = Number(text);
  if (!Number.isFinite(value))
    throw new ReplayRowError(
      `patient ${stay.patientId} line ${stay.firstLine + row}: ${column} must be a number or empty; got "${text}"`,
    );
  return value;
}

function unitOf(stay: PhysioNetStay): ReplayPlan['unit'] {
  if (numberAt(stay, 0, 'Unit1') === 1) return 'micu';
  if (numberAt(stay, 0, 'Unit2') === 1) return 'sicu';
  return 'icu';
}

/** True when the code's spec (kind, codes, range) takes the value: the monitor's own check, so nothing sent is refused. */
function accepted(vocabulary: MonitorVocabulary, code: string, value: number): boolean {
  const spec = vocabulary.get(code)?.spec;
  if (!spec) return false;
  return (
    validateObservations([{ ...spec, atAdmissionOnly: false }], [{ name: code, time: 0, value }]).errors.length === 0
  );
}

/**
 * A stay's replay plan. Values outside their code's range are left out and counted, not sent: the monitor would refuse
 * the whole batch, and training leaves implausible values out as well (treated as not recorded), so the model sees in
 * the replay what it saw in training.
 */
export function replayPlan(stay: PhysioNetStay, options: PlanOptions): ReplayPlan {
  const { vocabulary, admittedAt } = options;
  if (stay.rows.length === 0) throw new ReplayRowError(`patient ${stay.patientId} has no rows`);
  const stayRef = `${stay.patientId}-${options.runId}`;
  const leftOut: LeftOutValue[] = [];

  const facts: ReplayPlan['facts'] = [];
  for (const name of FACT_COLUMNS) {
    const value = numberAt(stay, 0, name);
    if (value === null || !vocabulary.get(name)?.stayFact) continue;
    if (accepted(vocabulary, name, value)) facts.push({ name, value });
    else leftOut.push({ hour: null, code: name, value });
  }

  const codes = Object.keys(stay.rows[0]).filter((column) => {
    const code = vocabulary.get(column);
    return !NOT_OBSERVATIONS.has(column) && code !== undefined && !code.stayFact;
  });

  const steps: ReplayStep[] = [];
  let lastHour = 0;
  let onsetHour: number | null = null;
  stay.rows.forEach((_, r) => {
    const hour = numberAt(stay, r, 'ICULOS');
    if (hour === null || !Number.isInteger(hour) || hour < 1 || hour <= lastHour)
      throw new ReplayRowError(
        `patient ${stay.patientId} line ${stay.firstLine + r}: ICULOS must be a whole number of hours from 1, increasing; got ${String(hour)} after ${lastHour}`,
      );
    lastHour = hour;
    if (onsetHour === null && numberAt(stay, r, 'SepsisLabel') === 1) onsetHour = hour + SEPSIS_LABEL_LEAD_HOURS;
    // Half past the hour's start: inside hour t of the stay whichever way a boundary is rounded.
    const time = new Date(admittedAt.getTime() + (hour * 60 - 30) * MINUTE_MS);
    const observations: ReplayObservation[] = [];
    for (const code of codes) {
      const value = numberAt(stay, r, code);
      if (value === null) continue;
      if (accepted(vocabulary, code, value))
        observations.push({ name: code, time, value, sourceId: `${stayRef}/${hour}/${code}` });
      else leftOut.push({ hour, code, value });
    }
    if (observations.length > 0) steps.push({ hour, observations });
  });

  return {
    patientId: stay.patientId,
    stayRef,
    patientRef: stay.patientId,
    unit: unitOf(stay),
    admittedAt,
    facts,
    steps,
    lastHour,
    dischargedAt: new Date(admittedAt.getTime() + lastHour * 60 * MINUTE_MS),
    leftOut,
    onsetHour,
  };
}
