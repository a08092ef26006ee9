/** How a predict form shows each input, by its kind: the control, and the hint under it. */
import type { FeatureSpec } from '@/features/feature-set';
import { withUnit } from './format';

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
    return {
      control: 'select',
      options: [
        empty,
        ...(spec.codes ?? []).map((c) => ({ value: String(c.value), label: `${c.label} (${c.value})` })),
      ],
    };
  }
  if (spec.kind === 'integer')
    return { control: 'input', type: 'number', inputMode: 'numeric', step: 1, min: spec.min, max: spec.max };
  return { control: 'input', type: 'text', inputMode: 'decimal' };
}

/**
 * The line under a field: the values it takes, and how to leave an optional one out. An input that can be negative says
 * what its sign means there (its description: "negative: the hospital admission came first"), where it is typed.
 */
export function fieldHint(spec: FeatureSpec): string {
  if (spec.kind === 'binary') {
    const codes = (spec.codes ?? []).map((c) => `${c.value} = ${c.label}`).join(', ');
    return `${codes}${spec.required ? '' : '; choose “not measured” if unknown'}`;
  }
  const values = `${spec.kind === 'integer' ? 'whole number, ' : ''}${spec.min} to ${withUnit(String(spec.max), spec.unit)}`;
  const hint = `${values}${spec.required ? '' : '; leave blank if not measured'}`;
  return spec.min < 0 ? `${hint}. ${spec.description}` : hint;
}
