/**
 * Checks a request's feature values against the model card: names, required inputs, finiteness, kinds (codes, whole
 * numbers) and plausible ranges.
 */
import type { FieldError } from '@/errors/invalid-input';
import { allowedValuesText, fitsKind, rangeText, type FeatureSpec } from '@/features/feature-set';

/** What a value that is not one the input takes must be instead; also for graphql's refusals of non-finite values. */
export function mustBe(spec: FeatureSpec): string {
  return spec.kind === 'continuous'
    ? `must be a finite number from ${rangeText(spec)}`
    : `must be ${allowedValuesText(spec)}`;
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
    if (!Number.isFinite(value)) errors.push({ name, message: mustBe(spec) });
    // A code or a count the model never saw (gender 0.5, 2.5 pregnancies) is nonsense, even inside the range.
    else if (!fitsKind(spec, value)) errors.push({ name, message: `${mustBe(spec)}; got ${value}` });
    else if (value < spec.min || value > spec.max)
      errors.push({ name, message: `${value} is outside the allowed range ${rangeText(spec)}` });
    else inputs[name] = value;
  }
  for (const spec of specs) {
    if (!seen.has(spec.name)) {
      if (spec.required) errors.push({ name: spec.name, message: `required; give ${allowedValuesText(spec)}` });
      else inputs[spec.name] = NaN;
    } else if (spec.required && Number.isNaN(inputs[spec.name]) && !errors.some((e) => e.name === spec.name)) {
      errors.push({ name: spec.name, message: `required and may not be null; give ${allowedValuesText(spec)}` });
    }
  }
  return { inputs, errors };
}
