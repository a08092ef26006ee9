/** The features a model takes: the inputs a client sends, the features derived from them, and the vector the model sees. */
import { z } from 'zod';

export const featureSpecSchema = z.object({
  /** snake_case name used by clients, cards and the GraphQL API. */
  name: z.string().regex(/^[a-z][a-z0-9_]*$/),
  label: z.string().min(1),
  unit: z.string().nullable(),
  description: z.string().min(1),
  /** Plausible range; a value outside it is rejected as an input error. */
  min: z.number(),
  max: z.number(),
  required: z.boolean(),
  /** How a missing value is treated, in words for the card. */
  missing: z.string().min(1),
});
export type FeatureSpec = z.infer<typeof featureSpecSchema>;

/** A feature computed from the inputs of the same request (never from another time or patient). */
export interface DerivedFeature {
  name: string;
  label: string;
  description: string;
  /** NaN when an input it needs is missing. */
  compute(inputs: Readonly<Record<string, number>>): number;
}

export interface FeatureSet {
  inputs: FeatureSpec[];
  derived: DerivedFeature[];
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
