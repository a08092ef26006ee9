/**
 * A posted course form read into the course the prediction service takes: an admission instant and a textarea of
 * `Time,Parameter,Value` lines as in the PhysioNet 2012 record files (time HH:MM from admission).
 */
import type { FieldError } from '@/errors/invalid-input';
import type { CourseObservation } from '@/prediction/prediction-service';

/** The form's field names. */
export const COURSE_FIELD = 'course';
export const ADMITTED_AT_FIELD = 'admittedAt';

export interface FormCourse {
  observations: CourseObservation[];
  admittedAt: Date | null;
  /** The 1-based line of the textarea each observation came from, to name a refused observation by its line. */
  lines: number[];
  /** Each field as typed, to show it again. */
  values: Record<string, string>;
  /** Lines or an admission that cannot be read; range and code checks are the service's. */
  errors: FieldError[];
}

// An instant with its time zone, to the minute at least: "2026-03-01T08:00Z", "2026-03-01T08:00:00+01:00".
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;
const CLOCK = /^(\d{1,3}):([0-5]\d)$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/**
 * Reads the admission instant and the course lines. A header line (`Time,Parameter,Value`), blank lines and the record
 * files' `RecordID` line are skipped, and so is a value of -1, which those files write for "missing".
 */
export function readFormCourse(form: FormData): FormCourse {
  const text = (name: string) => {
    const raw = form.get(name);
    return typeof raw === 'string' ? raw : '';
  };
  const admittedText = text(ADMITTED_AT_FIELD).trim();
  const courseText = text(COURSE_FIELD);
  const values = { [ADMITTED_AT_FIELD]: admittedText, [COURSE_FIELD]: courseText };
  const errors: FieldError[] = [];
  const admittedAt = INSTANT.test(admittedText) ? new Date(admittedText) : null;
  if (!admittedAt || !Number.isFinite(admittedAt.getTime())) {
    errors.push({
      name: ADMITTED_AT_FIELD,
      message: `give the admission instant with its time zone, e.g. 2026-03-01T08:00Z; got "${admittedText.slice(0, 40)}"`,
    });
  }
  const observations: CourseObservation[] = [];
  const lines: number[] = [];
  const problems: string[] = [];
  courseText.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || /^time\s*,\s*parameter\s*,\s*value$/i.test(line)) return;
    const cells = line.split(',').map((c) => c.trim());
    const clock = CLOCK.exec(cells[0] ?? '');
    if (cells.length !== 3 || !clock || !cells[1] || !DECIMAL.test(cells[2])) {
      problems.push(`line ${i + 1}: "${line.slice(0, 40)}" is not Time,Parameter,Value (e.g. 07:30,HR,88)`);
      return;
    }
    const value = Number(cells[2]);
    if (cells[1] === 'RecordID' || value === -1) return;
    const minutes = Number(clock[1]) * 60 + Number(clock[2]);
    if (admittedAt && Number.isFinite(admittedAt.getTime())) {
      observations.push({ name: cells[1], time: new Date(admittedAt.getTime() + minutes * 60_000), value });
      lines.push(i + 1);
    }
  });
  if (problems.length > 0) errors.push({ name: COURSE_FIELD, message: problems.slice(0, 10).join('; ') });
  else if (observations.length === 0 && admittedAt)
    errors.push({ name: COURSE_FIELD, message: 'give at least one line Time,Parameter,Value (e.g. 00:00,Age,71)' });
  return { observations, admittedAt, lines, values, errors };
}

/**
 * The service's refusals of a course, on the form's fields: `observations[i] (HR)` becomes "line 7 (HR): …" on the
 * course field; `admittedAt` stays; anything else about the course goes to the course field.
 */
export function courseFormErrors(errors: readonly FieldError[], lines: readonly number[]): FieldError[] {
  return errors.map((e) => {
    const observation = /^observations\[(\d+)\] \((.*)\)$/.exec(e.name);
    if (observation)
      return { name: COURSE_FIELD, message: `line ${lines[Number(observation[1])]} (${observation[2]}): ${e.message}` };
    if (e.name === ADMITTED_AT_FIELD || e.name === 'patientRef') return e;
    return { name: COURSE_FIELD, message: e.message };
  });
}
