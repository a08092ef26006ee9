/** Checks a request's feature values against the model card: names, required inputs, finiteness and plausible ranges. */
import type { FeatureSpec } from '../features/feature-set';
import { brandInstances } from '../config/process-wide';

export interface FieldError {
  name: string;
  message: string;
}

/** Every offending field of one request; a request is valid when nothing is listed. */
export class InvalidInputError extends Error {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly fields: FieldError[]) {
    super(`invalid input: ${fields.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
    this.name = 'InvalidInputError';
  }
}
// Thrown by services one Next.js chunk built and caught in another (process-wide.ts).
brandInstances(InvalidInputError, 'InvalidInputError');

function range(spec: FeatureSpec): string {
  return `${spec.min} to ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`;
}

/**
 * The request's values by input name, NaN for missing, or the list of everything wrong with it.
 * `values` holds what the client sent: a number, or null for "missing"; a name sent twice is an error.
 */
export function validateInputs(
  specs: FeatureSpec[],
  values: ReadonlyArray<{ name: string; value: number | null }>,
): { inputs: Record<string, number>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const inputs: Record<string, number> = {};
  const known = new Map(specs.map((s) => [s.name, s]));
  const seen = new Set<string>();
  for (const { name, value } of values) {
    const spec = known.get(name);
    if (!spec) {
      errors.push({ name, message: `unknown feature; allowed: ${specs.map((s) => s.name).join(', ')}` });
      continue;
    }
    if (seen.has(name)) {
      errors.push({ name, message: 'given more than once' });
      continue;
    }
    seen.add(name);
    if (value === null) {
      inputs[name] = NaN;
      continue;
    }
    if (!Number.isFinite(value)) errors.push({ name, message: `must be a finite number from ${range(spec)}` });
    else if (value < spec.min || value > spec.max) errors.push({ name, message: `${value} is outside the allowed range ${range(spec)}` });
    else inputs[name] = value;
  }
  for (const spec of specs) {
    if (!seen.has(spec.name)) {
      if (spec.required) errors.push({ name: spec.name, message: `required; give a value from ${range(spec)}` });
      else inputs[spec.name] = NaN;
    } else if (spec.required && Number.isNaN(inputs[spec.name]) && !errors.some((e) => e.name === spec.name)) {
      errors.push({ name: spec.name, message: `required and may not be null; give a value from ${range(spec)}` });
    }
  }
  return { inputs, errors };
}
