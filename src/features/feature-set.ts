/**
 * The features a model takes: the inputs a client sends, the features derived from them, and the vector the model sees.
 */
import { z } from 'zod';

/**
 * What the values of an input are: `binary` a code (one of `codes`, e.g. 0 = female, 1 = male),
 * `integer` a count or an index (whole numbers), `continuous` a measurement. A value the kind cannot
 * take (gender 0.5, 2.5 pregnancies) is nonsense the model never saw, so it is refused, not scored.
 */
export const featureKindSchema = z.enum(['binary', 'integer', 'continuous']);
export type FeatureKind = z.infer<typeof featureKindSchema>;

const featureCodeSchema = z.object({ value: z.number().int(), label: z.string().min(1) });
export type FeatureCode = z.infer<typeof featureCodeSchema>;

export const featureSpecSchema = z
  .object({
    /** snake_case name used by clients, cards and the GraphQL API. */
    name: z.string().regex(/^[a-z][a-z0-9_]*$/),
    label: z.string().min(1),
    unit: z.string().nullable(),
    description: z.string().min(1),
    /** A card written before kinds existed (a foreign model's, say) says nothing: such inputs are measurements. */
    kind: featureKindSchema.default('continuous'),
    /** Binary inputs only: both codes, smallest first, with what each means in the source data. */
    codes: z.array(featureCodeSchema).length(2).optional(),
    /** Plausible range; a value outside it is rejected as an input error. */
    min: z.number(),
    max: z.number(),
    required: z.boolean(),
    /** How a missing value is treated, in words for the card. */
    missing: z.string().min(1),
  })
  .superRefine((spec, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: 'custom', message, path: ['codes'] });
    if (spec.kind !== 'binary') {
      if (spec.codes) issue(`only a binary input lists codes; "${spec.name}" is ${spec.kind}`);
      if (spec.kind === 'integer' && !(Number.isInteger(spec.min) && Number.isInteger(spec.max))) {
        ctx.addIssue({ code: 'custom', message: `an integer input's range must be whole numbers`, path: ['min'] });
      }
      return;
    }
    // The range is what the card shows and what range checks use: for a code it must be the codes' span.
    const [low, high] = spec.codes ?? [];
    if (!low || !high) issue(`a binary input lists its two codes and their meaning`);
    else if (!(low.value < high.value && low.value === spec.min && high.value === spec.max)) {
      issue(
        `codes must be two values in increasing order, the first = min (${spec.min}) and the second = max (${spec.max})`,
      );
    }
  });
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

/** What the wording of allowed values needs of a spec: a model input's, or a timeline observation code's. */
type ValuesSpec = Pick<FeatureSpec, 'min' | 'max' | 'unit'> & {
  kind: string;
  codes?: ReadonlyArray<{ value: number; label: string }>;
};

/** The plausible range in words: "20 to 600 mg/dL". */
export function rangeText(spec: ValuesSpec): string {
  return `${spec.min} to ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`;
}

/**
 * The values a spec takes, in words, for error messages: "one of 0 (female), 1 (male)", "a whole number from 0 to 20
 * count", or `anyValue` ("a value") "from 20 to 600 mg/dL".
 */
export function allowedValuesText(spec: ValuesSpec, anyValue = 'a value'): string {
  if (spec.codes) return `one of ${spec.codes.map((c) => `${c.value} (${c.label})`).join(', ')}`;
  return `${spec.kind === 'integer' ? 'a whole number' : anyValue} from ${rangeText(spec)}`;
}

/** Whether a finite value is one the input's kind can take (the range is checked apart). */
export function fitsKind(spec: Pick<FeatureSpec, 'kind' | 'codes'>, value: number): boolean {
  if (spec.kind === 'continuous') return true;
  if (spec.kind === 'integer') return Number.isInteger(value);
  return spec.codes?.some((c) => c.value === value) ?? false;
}

/** A feature computed from the inputs of the same request (never from another time or patient). */
export interface DerivedFeature {
  name: string;
  label: string;
  description: string;
  /**
   * The unit of the computed value, null for a ratio without one. Shown by pages only: cards written before it existed
   * list derived features without units, and a retrain must keep writing the same card.
   */
  unit: string | null;
  /** NaN when an input it needs is missing. */
  compute(inputs: Readonly<Record<string, number>>): number;
}

/**
 * The parts of a chart a clinician reads an input in, in the order a form shows them: who the patient is and where in the
 * stay, then the bedside vital signs, then the laboratory values (blood gases included).
 */
export const INPUT_GROUPS = ['demographics', 'vitals', 'labs'] as const;
export type InputGroup = (typeof INPUT_GROUPS)[number];

export interface FeatureSet {
  inputs: FeatureSpec[];
  derived: DerivedFeature[];
  /**
   * Each input's group, for forms; absent for a model whose few inputs need none. Kept beside the specs, not in them: the
   * card lists the specs exactly, and cards already shipped would no longer match what a retrain writes.
   */
  groups?: Readonly<Record<string, InputGroup>>;
}

/** Names of the model's vector, in order: inputs then derived features. */
export function vectorNames(set: FeatureSet): string[] {
  return [...set.inputs.map((f) => f.name), ...set.derived.map((d) => d.name)];
}

/**
 * The model's float32 vector for one request. `inputs` holds every input by name, NaN for missing;
 * values are assumed validated already (range checks belong to the prediction service).
 */
export function vectorize(set: FeatureSet, inputs: Readonly<Record<string, number>>): Float32Array {
  const out = new Float32Array(set.inputs.length + set.derived.length);
  set.inputs.forEach((f, i) => {
    const v = inputs[f.name];
    out[i] = v === undefined ? NaN : v;
  });
  set.derived.forEach((d, j) => {
    out[set.inputs.length + j] = d.compute(inputs);
  });
  return out;
}
