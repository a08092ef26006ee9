/**
 * A prediction request as the service takes it (rows of feature values, a patient reference, its origin) and the rules
 * a request keeps beyond the card's.
 */
import { textProblem } from '@/errors/input-text';
import { InvalidInputError, type FieldError } from '@/errors/invalid-input';
import type { FeatureSpec } from '@/features/feature-set';
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

export interface PredictionRow {
  features: FeatureValue[];
  patientRef?: string | null;
}

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

/**
 * The validate stage of a request: each row's inputs by name (NaN = missing), checked against the
 * card's `features`. Anything wrong refuses the whole request, naming every offender of every row in
 * row order (`rows[2].glucose`, or `glucose` for a `single` prediction).
 */
export function validateRequest(
  features: FeatureSpec[],
  rows: readonly PredictionRow[],
  options: { single?: boolean } = {},
): Record<string, number>[] {
  if (rows.length === 0 || rows.length > MAX_BATCH_ROWS) {
    throw new InvalidInputError([
      { name: 'rows', message: `a batch holds 1 to ${MAX_BATCH_ROWS} rows; got ${rows.length}` },
    ]);
  }
  const errors: FieldError[] = [];
  const inputs = rows.map((row, i) => {
    const prefix = options.single ? '' : `rows[${i}].`;
    const checked = validateInputs(features, row.features);
    for (const e of checked.errors) errors.push({ name: `${prefix}${e.name}`, message: e.message });
    const refProblem = patientRefProblem(row.patientRef);
    if (refProblem) errors.push({ name: `${prefix}patientRef`, message: refProblem });
    return checked.inputs;
  });
  if (errors.length > 0) throw new InvalidInputError(errors);
  return inputs;
}
