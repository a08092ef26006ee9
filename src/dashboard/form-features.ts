/**
 * A posted predict form's fields read into the feature values the prediction service takes (how each is shown:
 * src/ui/field-control.ts).
 */
import type { FieldError } from '@/errors/invalid-input';
import type { FeatureValue } from '@/prediction/prediction-service';

export interface FormFeatures {
  features: FeatureValue[];
  /** Each field as typed, to show it again. */
  values: Record<string, string>;
  /** Fields that are not numbers; range and required checks are the service's. */
  errors: FieldError[];
}

/** Reads one field per feature name; a field absent from the form counts as blank. */
export function readFormFeatures(form: FormData, names: readonly string[]): FormFeatures {
  const features: FeatureValue[] = [];
  const values: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const name of names) {
    const raw = form.get(name);
    const text = typeof raw === 'string' ? raw.trim() : '';
    values[name] = text;
    // Blank is left out rather than sent as null: the service then asks for a required value in
    // words ("required; give a value from …") and treats an optional one as missing.
    if (text === '') continue;
    // Number('') and Number(' ') are 0 and "1e3" is 1000: accept plain decimals only, as a clinician types them.
    const value = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : NaN;
    if (Number.isFinite(value)) features.push({ name, value });
    else errors.push({ name, message: `must be a number, got "${text.slice(0, 40)}"` });
  }
  return { features, values, errors };
}
