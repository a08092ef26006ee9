/**
 * The checks a batch passes before the database is asked anything: identifiers, instants, codes, units converted to
 * the codes' units, values inside the ranges every model accepts. Errors name the batch's fields.
 */
import { randomUUID } from 'node:crypto';
import { textProblem } from '@/errors/input-text';
import type { FieldError } from '@/errors/invalid-input';
import { allowedValuesText } from '@/features/feature-set';
import { validateObservations } from '@/features/timeline';
import type {
  AdmitInput,
  DischargeInput,
  IngestBatch,
  ObservationSource,
  ObservationStatus,
  StayFactInput,
} from './monitor-input';
import { toCodeUnit, type MonitorVocabulary } from './vocabulary';

/** Longest stayRef, patientRef, unit and source id accepted: identifiers, not free text. */
export const MAX_REF_LENGTH = 128;
/** Most observations one batch may hold. */
export const MAX_BATCH_OBSERVATIONS = 20_000;

export interface CheckedFact {
  name: string;
  value: number;
  sentValue: number;
  unit: string | null;
}

export interface CheckedAdmission {
  stayRef: string;
  patientRef: string;
  unit: string;
  admittedAt: Date;
  facts: CheckedFact[];
  spo2Scale: 1 | 2;
}

export interface CheckedObservation {
  /** The batch path that names it in errors: `observations[i].observations[j] (CODE)`. */
  field: string;
  stayRef: string;
  name: string;
  time: Date;
  /** In the code's unit; null for a withdrawal. */
  value: number | null;
  sentValue: number | null;
  sentUnit: string | null;
  status: ObservationStatus;
  sourceId: string;
  supersedes: string | null;
}

export interface CheckedBatch {
  source: ObservationSource;
  requester: string;
  admissions: CheckedAdmission[];
  observations: CheckedObservation[];
  discharges: (DischargeInput & { field: string })[];
}

function refProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be text';
  if (value.length === 0 || value.length > MAX_REF_LENGTH)
    return `must be 1 to ${MAX_REF_LENGTH} characters; got ${value.length}`;
  return textProblem(value);
}

function instantProblem(value: unknown): string | undefined {
  if (!(value instanceof Date) || !Number.isFinite(value.getTime()))
    return 'must be an ISO-8601 instant with a time zone, e.g. 2026-03-01T08:30:00Z';
  return undefined;
}

/** A value checked against its code's spec (kind, codes, range) after conversion from the unit sent. */
function checkValue(
  vocabulary: MonitorVocabulary,
  name: string,
  value: number,
  unit: string | null | undefined,
): { value: number } | { problem: string } {
  const code = vocabulary.get(name);
  if (!code) return { problem: 'unknown code' };
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { problem: `value must be ${allowedValuesText(code.spec, 'a number')}; got ${String(value)}` };
  const converted = toCodeUnit(code, value, unit);
  if ('problem' in converted) return converted;
  // The features' own check (kind, codes, range), on the code's spec; time 0 is a placeholder, times are checked here.
  const { errors, observations } = validateObservations(
    [{ ...code.spec, atAdmissionOnly: false }],
    [{ name, time: 0, value: converted.value }],
  );
  if (errors.length > 0) {
    const sent = unit && unit !== code.ucum ? ` (sent ${value} ${unit})` : '';
    return { problem: `${errors[0].message}${sent}` };
  }
  return { value: observations[0].value };
}

function checkFacts(
  vocabulary: MonitorVocabulary,
  facts: readonly StayFactInput[],
  field: string,
  errors: FieldError[],
): CheckedFact[] {
  const checked: CheckedFact[] = [];
  const seen = new Set<string>();
  facts.forEach((fact, k) => {
    const name = `${field}.facts[${k}] (${fact?.name})`;
    const code = vocabulary.get(fact?.name);
    if (!code || !code.stayFact) {
      errors.push({ name, message: `not a fact of the stay; facts: ${vocabulary.factCodes().join(', ')}` });
      return;
    }
    if (seen.has(fact.name)) {
      errors.push({ name, message: 'a fact of the stay given more than once' });
      return;
    }
    seen.add(fact.name);
    const value = checkValue(vocabulary, fact.name, fact.value, fact.unit);
    if ('problem' in value) errors.push({ name, message: value.problem });
    else checked.push({ name: fact.name, value: value.value, sentValue: fact.value, unit: fact.unit ?? null });
  });
  return checked;
}

function checkAdmission(
  vocabulary: MonitorVocabulary,
  admission: AdmitInput,
  field: string,
  errors: FieldError[],
): CheckedAdmission | undefined {
  const before = errors.length;
  for (const key of ['stayRef', 'patientRef', 'unit'] as const) {
    const problem = refProblem(admission[key]);
    if (problem) errors.push({ name: `${field}.${key}`, message: problem });
  }
  const instant = instantProblem(admission.admittedAt);
  if (instant) errors.push({ name: `${field}.admittedAt`, message: instant });
  const scale = admission.spo2Scale ?? 1;
  if (scale !== 1 && scale !== 2)
    errors.push({ name: `${field}.spo2Scale`, message: `must be 1 or 2 (NEWS2's SpO₂ scales); got ${String(scale)}` });
  const facts = checkFacts(vocabulary, admission.facts ?? [], field, errors);
  if (errors.length > before) return undefined;
  return {
    stayRef: admission.stayRef,
    patientRef: admission.patientRef,
    unit: admission.unit,
    admittedAt: admission.admittedAt,
    facts,
    spo2Scale: scale,
  };
}

/**
 * Checks everything about a batch that needs no stored data. Throws nothing: the caller gets the errors with the
 * checked batch, and adds what the stored stays say (admission, discharge, superseded observations) before refusing.
 */
export function checkBatch(
  vocabulary: MonitorVocabulary,
  batch: IngestBatch,
): { batch: CheckedBatch; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const admissions: CheckedAdmission[] = [];
  (batch.admissions ?? []).forEach((a, i) => {
    const checked = checkAdmission(vocabulary, a, `admissions[${i}]`, errors);
    if (checked) admissions.push(checked);
  });

  const observations: CheckedObservation[] = [];
  const total = (batch.observations ?? []).reduce((n, s) => n + (s.observations?.length ?? 0), 0);
  if (total > MAX_BATCH_OBSERVATIONS)
    errors.push({
      name: 'observations',
      message: `a batch holds at most ${MAX_BATCH_OBSERVATIONS} observations; got ${total}`,
    });
  const sourceIds = new Map<string, string>();
  (batch.observations ?? []).forEach((group, i) => {
    const stayProblem = refProblem(group.stayRef);
    if (stayProblem) errors.push({ name: `observations[${i}].stayRef`, message: stayProblem });
    if (!Array.isArray(group.observations) || group.observations.length === 0)
      errors.push({ name: `observations[${i}].observations`, message: 'must hold at least one observation' });
    (group.observations ?? []).forEach((o, j) => {
      const field = `observations[${i}].observations[${j}] (${o?.name})`;
      const problems: string[] = [];
      const code = vocabulary.get(o?.name);
      if (!code) problems.push(`unknown observation code; allowed: ${vocabulary.observationCodes().join(', ')}`);
      else if (code.stayFact) problems.push('a fact of the stay: give it at admission (admitStay facts)');
      const instant = instantProblem(o?.time);
      if (instant) problems.push(`time ${instant}`);
      const status = o?.status ?? 'final';
      if (!['final', 'amended', 'entered-in-error'].includes(status))
        problems.push(`status must be final, amended or entered-in-error; got ${String(status)}`);
      if (status !== 'final' && !o.supersedes)
        problems.push(`status ${status} needs supersedes: the source id of the observation it corrects`);
      if (status === 'final' && o?.supersedes)
        problems.push('supersedes is given only with status amended or entered-in-error');
      if (o?.supersedes !== undefined && o?.supersedes !== null) {
        const p = refProblem(o.supersedes);
        if (p) problems.push(`supersedes ${p}`);
      }
      let sourceId = o?.sourceId ?? null;
      if (sourceId !== null) {
        const p = refProblem(sourceId);
        if (p) problems.push(`sourceId ${p}`);
        else if (sourceIds.has(sourceId)) problems.push(`sourceId ${sourceId} is also ${sourceIds.get(sourceId)}`);
        else sourceIds.set(sourceId, field);
      }
      let value: number | null = null;
      if (status === 'entered-in-error') {
        if (o.value !== null && o.value !== undefined)
          problems.push('an entered-in-error observation carries no value');
      } else if (code && !code.stayFact) {
        const checked = checkValue(vocabulary, o.name, o.value as number, o.unit);
        if ('problem' in checked) problems.push(checked.problem);
        else value = checked.value;
      }
      if (problems.length > 0) {
        errors.push({ name: field, message: problems.join('; ') });
        return;
      }
      // Without the sender's id a redelivery cannot be recognised; the id made here only keeps the column unique.
      sourceId ??= `${batch.source}:${randomUUID()}`;
      observations.push({
        field,
        stayRef: group.stayRef,
        name: o.name,
        time: o.time,
        value,
        sentValue: status === 'entered-in-error' ? null : (o.value as number),
        sentUnit: o.unit ?? null,
        status,
        sourceId,
        supersedes: o.supersedes ?? null,
      });
    });
  });

  const discharges: CheckedBatch['discharges'] = [];
  (batch.discharges ?? []).forEach((d, i) => {
    const field = `discharges[${i}]`;
    const refP = refProblem(d?.stayRef);
    const instant = instantProblem(d?.dischargedAt);
    if (refP) errors.push({ name: `${field}.stayRef`, message: refP });
    if (instant) errors.push({ name: `${field}.dischargedAt`, message: instant });
    if (!refP && !instant) discharges.push({ ...d, field });
  });
  return {
    batch: { source: batch.source, requester: batch.requester, admissions, observations, discharges },
    errors,
  };
}
