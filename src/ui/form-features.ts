/** A predict form's fields: how each input is shown (by its kind), and the fields read into the feature values the prediction service takes. */
import type { FeatureSpec } from '../features/feature-set';
import type { FieldError } from '@/errors/invalid-input';
import type { FeatureValue } from '../prediction/prediction-service';

/**
 * The control of one input: a binary input is a select of its labelled codes, so a code it does not
 * have cannot be typed; a count or an index is a number box stepping by 1; a measurement a text box.
 */
export type FieldControl =
  | { control: 'select'; options: { value: string; label: string }[] }
  | { control: 'input'; type: 'number'; inputMode: 'numeric'; step: 1; min: number; max: number }
  | { control: 'input'; type: 'text'; inputMode: 'decimal' };

export function fieldControl(spec: FeatureSpec): FieldControl {
  if (spec.kind === 'binary') {
    // The empty option is "missing" for an optional input; for a required one it stands for "not chosen
    // yet", so that no code is preselected (a default gender would be scored as if it had been entered).
    const empty = { value: '', label: spec.required ? 'choose…' : 'not measured' };
    return { control: 'select', options: [empty, ...(spec.codes ?? []).map((c) => ({ value: String(c.value), label: `${c.label} (${c.value})` }))] };
  }
  if (spec.kind === 'integer') return { control: 'input', type: 'number', inputMode: 'numeric', step: 1, min: spec.min, max: spec.max };
  return { control: 'input', type: 'text', inputMode: 'decimal' };
}

/** The line under a field: the values it takes, and how to leave an optional one out. */
export function fieldHint(spec: FeatureSpec): string {
  const unit = spec.unit ? ` ${spec.unit}` : '';
  if (spec.kind === 'binary') {
    const codes = (spec.codes ?? []).map((c) => `${c.value} = ${c.label}`).join(', ');
    return `${codes}${spec.required ? '' : '; choose “not measured” if unknown'}`;
  }
  const values = `${spec.kind === 'integer' ? 'whole number, ' : ''}${spec.min} to ${spec.max}${unit}`;
  return `${values}${spec.required ? '' : '; leave blank if not measured'}`;
}

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
