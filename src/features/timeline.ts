/** The timeline input of a model: a stay's observations `{ name, time, value }`, their specs, units and validation. */
import type { FieldError } from '@/errors/invalid-input';
import { allowedValuesText, rangeText, type FeatureKind } from './feature-set';

/**
 * One observation of a stay. Inside src/features `time` is minutes from admission (the API and the monitor convert
 * ISO instants against the stay's admission time before calling in). Static facts (age, gender, …) are observations
 * at time 0.
 */
export interface Observation {
  name: string;
  time: number;
  value: number;
}

/**
 * A rescaling of values recorded on another scale: a value in [from, to] (a span disjoint from the plausible range)
 * becomes `value / divideBy` (a division keeps 735 / 100 exactly 7.35). `why` states the evidence, for the card.
 */
export interface UnitRule {
  from: number;
  to: number;
  divideBy: number;
  why: string;
}

/**
 * What an observation code takes, in the FeatureSpec style: `binary` and `categorical` take one of `codes`, `integer`
 * whole numbers, `continuous` any value; all within [min, max] in `unit`.
 */
export interface ObservationSpec {
  /** The code a client sends (the challenge's parameter name, e.g. `HR`, `pH`). */
  name: string;
  label: string;
  unit: string | null;
  description: string;
  kind: FeatureKind | 'categorical';
  codes?: ReadonlyArray<{ value: number; label: string }>;
  min: number;
  max: number;
  /** A fact of the stay (age, gender, …): observed once, at time 0. */
  atAdmissionOnly?: boolean;
  units?: readonly UnitRule[];
}

/** The value on the spec's scale: the first unit rule whose span holds it applied, else the value unchanged. */
export function normaliseValue(spec: Pick<ObservationSpec, 'units'>, value: number): number {
  for (const rule of spec.units ?? []) {
    if (value >= rule.from && value <= rule.to) return value / rule.divideBy;
  }
  return value;
}

function fits(spec: ObservationSpec, value: number): boolean {
  if (spec.codes) return spec.codes.some((c) => c.value === value);
  if (spec.kind === 'integer') return Number.isInteger(value);
  return true;
}

/** The field name is built only for a refusal: training validates millions of observations. */
function refuseAt(errors: FieldError[], index: number, o: Observation, message: string): void {
  errors.push({ name: `observations[${index}] (${o.name})`, message });
}

export interface ValidatedTimeline {
  /** The acceptable observations, in input order, values on the specs' scales (unit rules applied). */
  observations: Observation[];
  /** One per refused observation, named `observations[i] (name)`; the timeline is valid when this is empty. */
  errors: FieldError[];
}

/**
 * Checks a stay's observations against the specs: a known code, a time from 0 (admission) on, a finite value the
 * code takes inside its range (after the unit rules), and a fact of the stay given once, at time 0. Pure: the API
 * throws InvalidInputError with `errors`; training keeps `observations` and counts what was refused.
 */
export function validateObservations(
  specs: readonly ObservationSpec[],
  observations: readonly Observation[],
): ValidatedTimeline {
  const known = new Map(specs.map((s) => [s.name, s]));
  const kept: Observation[] = [];
  const errors: FieldError[] = [];
  const staticSeen = new Set<string>();
  observations.forEach((o, i) => {
    const spec = known.get(o.name);
    if (!spec) {
      refuseAt(errors, i, o, `unknown observation code; allowed: ${specs.map((s) => s.name).join(', ')}`);
      return;
    }
    if (!Number.isFinite(o.time) || o.time < 0) {
      refuseAt(errors, i, o, `time must be a finite number of minutes from admission, 0 or more; got ${o.time}`);
      return;
    }
    if (spec.atAdmissionOnly && o.time !== 0) {
      refuseAt(errors, i, o, `a fact of the stay, observed at admission: time must be 0; got ${o.time}`);
      return;
    }
    if (!Number.isFinite(o.value)) {
      refuseAt(errors, i, o, `value must be ${allowedValuesText(spec, 'a number')}; got ${o.value}`);
      return;
    }
    const value = normaliseValue(spec, o.value);
    if (!fits(spec, value)) {
      refuseAt(errors, i, o, `value must be ${allowedValuesText(spec, 'a number')}; got ${o.value}`);
      return;
    }
    if (value < spec.min || value > spec.max) {
      refuseAt(errors, i, o, `${o.value} is outside the allowed range ${rangeText(spec)}`);
      return;
    }
    if (spec.atAdmissionOnly) {
      // Two ages for one stay cannot both be right, and picking one would depend on the order sent.
      if (staticSeen.has(o.name)) {
        refuseAt(errors, i, o, 'a fact of the stay given more than once');
        return;
      }
      staticSeen.add(o.name);
    }
    kept.push(value === o.value ? o : { name: o.name, time: o.time, value });
  });
  return { observations: kept, errors };
}
