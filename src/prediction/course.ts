/**
 * A stay's course as a request sends it (observations at instants): placed on the model's timeline (minutes from
 * admission), checked against the card's observation codes, and turned into the float32 vector the model scores.
 */
import type { FieldError } from '@/errors/invalid-input';
import { validateObservations, type Observation } from '@/features/timeline';
import type { TimelineInput } from '@/inference/model-card';
import type { LoadedModel } from '@/inference/model-registry';

/** Most observations one course may hold (a 48-hour ICU stay in PhysioNet 2012 holds at most a few thousand). */
export const MAX_COURSE_OBSERVATIONS = 20_000;

const MINUTE_MS = 60_000;

/** One observation as a client sends it: a code, the instant it was taken, its value on the code's unit. */
export interface CourseObservation {
  name: string;
  time: Date;
  value: number;
}

/** A stay's course: its observations and, optionally, the admission instant (else the earliest observation's). */
export interface Course {
  observations: readonly CourseObservation[];
  admittedAt?: Date | null;
}

/** A course placed on the timeline and validated: what the model reads. */
export interface PlacedCourse {
  admittedAt: Date;
  /** Minutes from admission, values on the codes' scales (unit rules applied), in the order sent. */
  observations: Observation[];
  /** The moment scored, in minutes from admission. */
  moment: number;
}

/**
 * The moment a course is scored at: the end of the model's window (icu-mortality: 48 h after admission), or, for a
 * model without one, the latest observation's time. Minutes from admission.
 */
export function courseMoment(windowMinutes: number | null, observations: readonly Observation[]): number {
  if (windowMinutes !== null) return windowMinutes;
  let latest = 0;
  for (const o of observations) if (o.time > latest) latest = o.time;
  return latest;
}

/**
 * The course → vector step every entry point shares (the API, `npm run score`, the monitor): the model's timeline
 * function over validated observations up to `moment` (minutes from admission), cast to float32 as onnxruntime takes
 * it. NaN = missing.
 */
export function vectorizeCourse(
  model: Pick<LoadedModel, 'card' | 'timeline' | 'vectorNames'>,
  observations: readonly Observation[],
  moment: number,
): Float32Array {
  if (!model.timeline) throw new TypeError(`model "${model.card.id}" does not read a course of observations`);
  const vector = Float32Array.from(model.timeline.vector(observations, moment));
  if (vector.length !== model.vectorNames.length)
    throw new TypeError(
      `model "${model.card.id}": its timeline function gave ${vector.length} values for a ${model.vectorNames.length}-entry vector`,
    );
  return vector;
}

function minutesText(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = Number((minutes - h * 60).toFixed(3));
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

function windowText(timeline: Pick<TimelineInput, 'windowMinutes'>, admittedAt: Date): string {
  const window = timeline.windowMinutes as number;
  const end = new Date(admittedAt.getTime() + window * MINUTE_MS);
  return `the model reads the first ${minutesText(window)} from admission, ${admittedAt.toISOString()} to ${end.toISOString()}`;
}

/**
 * Places a course on the model's timeline and validates it: admission is `admittedAt`, or else the earliest
 * observation's instant; each time becomes minutes from admission; an observation before admission, after the model's
 * window, or (a fact of the stay) not at admission is refused, as is anything `validateObservations` refuses. Errors
 * name `<prefix>observations[i] (NAME)`; the course is placed only when there are none.
 */
export function placeCourse(
  timeline: Pick<TimelineInput, 'windowMinutes' | 'lastMinute' | 'observations'>,
  course: Course,
  prefix = '',
): { placed?: PlacedCourse; errors: FieldError[] } {
  const { observations } = course;
  if (observations.length === 0 || observations.length > MAX_COURSE_OBSERVATIONS) {
    return {
      errors: [
        {
          name: `${prefix}observations`,
          message: `a course holds 1 to ${MAX_COURSE_OBSERVATIONS} observations; got ${observations.length}`,
        },
      ],
    };
  }
  const named = (i: number) => `${prefix}observations[${i}] (${observations[i].name})`;
  const errors = new Map<number, FieldError>();
  if (course.admittedAt && !Number.isFinite(course.admittedAt.getTime()))
    return { errors: [{ name: `${prefix}admittedAt`, message: 'must be an ISO-8601 instant with a time zone' }] };
  observations.forEach((o, i) => {
    if (!(o.time instanceof Date) || !Number.isFinite(o.time.getTime()))
      errors.set(i, {
        name: named(i),
        message: 'time must be an ISO-8601 instant with a time zone, e.g. 2026-03-01T08:30:00Z',
      });
  });
  if (errors.size > 0) return { errors: [...errors.values()] };

  const admittedAt = course.admittedAt ?? new Date(Math.min(...observations.map((o) => o.time.getTime())));
  const specs = new Map(timeline.observations.map((s) => [s.name, s]));
  const minutes = observations.map((o) => (o.time.getTime() - admittedAt.getTime()) / MINUTE_MS);
  observations.forEach((o, i) => {
    const at = o.time.toISOString();
    if (minutes[i] < 0) {
      errors.set(i, {
        name: named(i),
        message: `time ${at} is before admission (admittedAt ${admittedAt.toISOString()}); every observation is at or after admission`,
      });
    } else if (
      timeline.windowMinutes === null &&
      timeline.lastMinute !== undefined &&
      minutes[i] > timeline.lastMinute
    ) {
      errors.set(i, {
        name: named(i),
        message: `time ${at} is ${minutesText(minutes[i])} after admission; the model scores a course up to ${minutesText(timeline.lastMinute)} from admission`,
      });
    } else if (timeline.windowMinutes !== null && minutes[i] > timeline.windowMinutes) {
      errors.set(i, {
        name: named(i),
        message: `time ${at} is ${minutesText(minutes[i])} after admission, past the model's window: ${windowText(timeline, admittedAt)}; leave later observations out`,
      });
    } else if (specs.get(o.name)?.atAdmissionOnly && minutes[i] !== 0) {
      errors.set(i, {
        name: named(i),
        message: `a fact of the stay, observed at admission: its time must be the admission instant ${admittedAt.toISOString()}; got ${at}`,
      });
    }
  });
  // Times already refused are placed at admission, so that their values are still checked.
  const placed = observations.map((o, i) => ({ name: o.name, time: errors.has(i) ? 0 : minutes[i], value: o.value }));
  const checked = validateObservations(timeline.observations, placed);
  for (const error of checked.errors) {
    const i = Number(/^observations\[(\d+)\]/.exec(error.name)?.[1]);
    if (!errors.has(i)) errors.set(i, { name: `${prefix}${error.name}`, message: error.message });
  }
  if (errors.size > 0) return { errors: [...errors.entries()].sort(([a], [b]) => a - b).map(([, e]) => e) };
  return {
    placed: {
      admittedAt,
      observations: checked.observations,
      moment: courseMoment(timeline.windowMinutes, checked.observations),
    },
    errors: [],
  };
}
