/**
 * A prediction request as the service takes it (rows of feature values or courses of observations, a patient
 * reference, its origin) and the rules a request keeps beyond the card's.
 */
import { textProblem } from '@/errors/input-text';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import type { ModelCard } from '@/inference/model-card';
import { placeCourse, type CourseObservation, type PlacedCourse } from './course';
import { validateInputs } from './input-validation';

/** Most rows one predictBatch may hold; a larger batch is refused whole. */
export const MAX_BATCH_ROWS = 1000;
/** Longest patientRef accepted: an identifier, not free text. */
export const MAX_PATIENT_REF_LENGTH = 128;

export interface FeatureValue {
  name: string;
  /** null = missing. */
  value: number | null;
}

/**
 * One row of a request: feature values (a tabular model), or a course of observations (a timeline model), never both.
 * Without `admittedAt` a course's admission is its earliest observation's instant.
 */
export interface PredictionRow {
  features?: FeatureValue[] | null;
  observations?: CourseObservation[] | null;
  admittedAt?: Date | null;
  patientRef?: string | null;
}

/** A row as validated: inputs by name (NaN = missing) for features, or the course placed on the model's timeline. */
/** What validation reads of a card: the inputs and the timeline a model takes. */
type CardInputs = Pick<ModelCard, 'id' | 'features' | 'timeline'>;

export type ValidRow = { inputs: Record<string, number>; course?: undefined } | { course: PlacedCourse };

/** Where a prediction request came from, kept on its audit record. */
export interface RequestOrigin {
  /** The request's id (the caller's x-request-id, or one made for it). */
  requestId: string;
  /** The id of the API key that asked (directly or through a dashboard session). */
  requester: string;
}

/** What is wrong with a row's patientRef, phrased to follow its name; undefined when it is absent or acceptable. */
function patientRefProblem(ref: string | null | undefined): string | undefined {
  if (ref === undefined || ref === null) return undefined;
  if (ref.length === 0 || ref.length > MAX_PATIENT_REF_LENGTH)
    return `must be 1 to ${MAX_PATIENT_REF_LENGTH} characters; got ${ref.length}`;
  return textProblem(ref);
}

const given = <T>(list: readonly T[] | null | undefined): list is readonly T[] =>
  Array.isArray(list) && list.length > 0;

/** What is wrong with the kind of input a row sends, for this model; undefined when it sends what the model takes. */
function inputKindProblem(card: CardInputs, row: PredictionRow): FieldError | undefined {
  const takesFeatures = card.features.length > 0;
  const takesCourse = card.timeline !== undefined;
  const sentFeatures = given(row.features);
  const sentCourse = given(row.observations) || (row.admittedAt ?? null) !== null;
  if (sentCourse && !takesCourse)
    return {
      name: 'observations',
      message: `model "${card.id}" takes features, not observations: send \`features\` (RiskModel.features lists them)`,
    };
  if (sentFeatures && !takesFeatures)
    return {
      name: 'features',
      message: `model "${card.id}" takes a course of observations, not features: send \`observations\` (RiskModel.timeline lists the codes)`,
    };
  if (sentFeatures && sentCourse)
    return {
      name: 'observations',
      message: `send features or observations, not both; model "${card.id}" takes either, one kind per request`,
    };
  if (!sentFeatures && !sentCourse && !takesFeatures)
    return {
      name: 'observations',
      message: `required: model "${card.id}" takes a course of observations { name, time, value } (RiskModel.timeline lists the codes)`,
    };
  return undefined;
}

/**
 * The validate stage for a model that may take features, a course, or either: each row checked as what it sends
 * (features against the card's `features`, a course placed on the card's `timeline`), every offender of every row named
 * in row order (`rows[2].observations[4] (HR)`, or `observations[4] (HR)` for a `single` prediction), nothing valid
 * returned unless all are.
 */
export function validateRows(
  card: CardInputs,
  rows: readonly PredictionRow[],
  options: { single?: boolean } = {},
): ValidRow[] {
  if (rows.length === 0 || rows.length > MAX_BATCH_ROWS) {
    throw new InvalidInputError([
      { name: 'rows', message: `a batch holds 1 to ${MAX_BATCH_ROWS} rows; got ${rows.length}` },
    ]);
  }
  const errors: FieldError[] = [];
  const valid = rows.map((row, i): ValidRow | undefined => {
    const prefix = options.single ? '' : `rows[${i}].`;
    const refProblem = patientRefProblem(row.patientRef);
    const refError = refProblem ? [{ name: `${prefix}patientRef`, message: refProblem }] : [];
    const kind = inputKindProblem(card, row);
    if (kind) {
      errors.push({ name: `${prefix}${kind.name}`, message: kind.message }, ...refError);
      return undefined;
    }
    if (card.timeline && !given(row.features)) {
      const { placed, errors: courseErrors } = placeCourse(
        card.timeline,
        { observations: row.observations ?? [], admittedAt: row.admittedAt },
        prefix,
      );
      errors.push(...courseErrors, ...refError);
      return placed && { course: placed };
    }
    const checked = validateInputs(card.features, row.features ?? []);
    for (const e of checked.errors) errors.push({ name: `${prefix}${e.name}`, message: e.message });
    errors.push(...refError);
    return { inputs: checked.inputs };
  });
  if (errors.length > 0) throw new InvalidInputError(errors);
  return valid as ValidRow[];
}
