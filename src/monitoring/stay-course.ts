/**
 * A stay's course as the monitor reads it: the observations in force (corrections applied), the hour each falls in,
 * the hours to assess, an hour's values for NEWS2 and qSOFA, and the course each model is given. Pure.
 */
import type { CourseObservation } from '@/prediction/prediction-service';
import type { HourValues } from './hour-values';
import type { MonitorVocabulary, MonitoredModel } from './vocabulary';

const MINUTE_MS = 60_000;

/** An observation as stored, as far as the course needs it. */
export interface StoredObservation {
  seq: bigint;
  name: string;
  time: Date;
  /** null: withdrawn (entered-in-error). */
  value: number | null;
  supersedes: bigint | null;
}

/** A fact of the stay, in its code's unit. */
export interface StayFact {
  name: string;
  value: number;
}

/**
 * The observations in force: an observation another one supersedes is replaced by it (an amendment) or removed (a
 * withdrawal, value null). Chains of corrections resolve to the last; arrival order is kept.
 */
export function observationsInForce<T extends StoredObservation>(observations: readonly T[]): T[] {
  const superseded = new Set<bigint>();
  for (const o of observations) if (o.supersedes !== null) superseded.add(o.supersedes);
  return observations.filter((o) => !superseded.has(o.seq) && o.value !== null);
}

/** Hour h of a stay covers (h−1)·60 < minutes from admission ≤ h·60; minute 0 is in hour 1 (as sepsis's course). */
export function hourOf(admittedAt: Date, time: Date): number {
  const minutes = (time.getTime() - admittedAt.getTime()) / MINUTE_MS;
  return Math.max(1, Math.ceil(minutes / 60));
}

/** The instant an hour of the stay ends. */
export function hourEnd(admittedAt: Date, hour: number): Date {
  return new Date(admittedAt.getTime() + hour * 60 * MINUTE_MS);
}

/**
 * The hours to assess when observations arrive in `newHours`, given the hours already assessed: every hour with new
 * data not assessed before, and — when data arrives for an hour at or before the latest assessed one — the latest hour
 * again (late data re-assesses the latest hour only; the hours between keep the assessment they had). An hour's first
 * assessment reads the course up to its own end, so the stored assessments do not depend on the order data arrives in
 * (a stream may redeliver an earlier hour after a later one).
 */
export function hoursToAssess(newHours: Iterable<number>, assessed: ReadonlySet<number>): number[] {
  const latest = Math.max(0, ...assessed);
  const hours = new Set<number>();
  for (const h of newHours) {
    if (!assessed.has(h)) hours.add(h);
    if (latest > 0 && h <= latest) hours.add(latest);
  }
  return [...hours].sort((a, b) => a - b);
}

/**
 * The latest value of each code measured within the hour (NEWS2 and qSOFA read an hour's own observations, never
 * older ones carried forward: a missing input is reported missing). Ties in time go to the later arrival.
 */
export function hourValues(admittedAt: Date, hour: number, observations: readonly StoredObservation[]): HourValues {
  const latest = new Map<string, { time: number; seq: bigint; value: number }>();
  for (const o of observations) {
    if (o.value === null || hourOf(admittedAt, o.time) !== hour) continue;
    const t = o.time.getTime();
    const seen = latest.get(o.name);
    if (!seen || t > seen.time || (t === seen.time && o.seq > seen.seq))
      latest.set(o.name, { time: t, seq: o.seq, value: o.value });
  }
  return new Map([...latest].map(([name, v]) => [name, v.value]));
}

/**
 * The course `model` is given at the end of `hour`: the facts of the stay at admission and every observation in force
 * up to the hour's end (and inside the model's window), each under the model's own code; codes it does not read are
 * left out, values above a clamp given at the bound.
 */
export function modelCourse(
  vocabulary: MonitorVocabulary,
  model: MonitoredModel,
  admittedAt: Date,
  facts: readonly StayFact[],
  observations: readonly StoredObservation[],
  until: Date,
): CourseObservation[] {
  const course: CourseObservation[] = [];
  const add = (name: string, time: Date, value: number) => {
    const code = vocabulary.get(name);
    const target = code?.feeds[model];
    if (!code || !target) return;
    const clamp = code.clamp[model];
    course.push({ name: target, time, value: clamp && value > clamp.max ? clamp.max : value });
  };
  for (const fact of facts) add(fact.name, admittedAt, fact.value);
  for (const o of observations) {
    if (o.value === null || o.time.getTime() > until.getTime() || o.time.getTime() < admittedAt.getTime()) continue;
    add(o.name, o.time, o.value);
  }
  return course;
}
