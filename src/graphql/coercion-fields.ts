/** Names the offender of a graphql variable-coercion error the way the prediction service names its own offenders. */
import type { GraphQLError } from 'graphql';
import type { FeatureSpec } from '@/features/feature-set';
import { mustBe } from '@/prediction/input-validation';
import { type FieldError } from '@/errors/invalid-input';

/** Input specs of each model, by model id. */
export type FeatureSpecsByModel = ReadonlyMap<string, readonly FeatureSpec[]>;

type PathKey = string | number;

/** `input.rows[2].features[1].value` → ['input', 'rows', 2, 'features', 1, 'value']. */
function parsePath(path: string): PathKey[] {
  return [...path.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]));
}

function isRecord(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null;
}

/** What a course's instants must be, for the refusals graphql's DateTime scalar makes. */
export const INSTANT_FORMAT = 'an ISO-8601 instant with a time zone, e.g. 2026-03-01T08:30:00Z';

/**
 * A coercion error inside a course, named as the service names course errors: `observations[3] (HR)` (with the
 * `rows[i].` prefix in a batch) for an observation's time or value, `admittedAt` for the admission instant.
 */
function courseFieldError(
  keys: PathKey[],
  visited: Record<string | number, unknown>[],
  offender: unknown,
  reason: string,
  prefix: string,
): FieldError | undefined {
  if (keys.at(-1) === 'admittedAt')
    return { name: `${prefix}admittedAt`, message: `${reason}; give ${INSTANT_FORMAT}` };
  const at = keys.indexOf('observations');
  const index = keys[at + 1];
  if (at < 0 || typeof index !== 'number') return undefined;
  // The observation itself, when the path ends at it (a field missing) or at one of its fields.
  const observation = keys.length === at + 2 ? offender : visited[at + 2];
  const code = isRecord(observation) && typeof observation.name === 'string' ? observation.name : '?';
  const field = keys[at + 2];
  const must =
    field === 'time'
      ? `; time must be ${INSTANT_FORMAT}`
      : field === 'value'
        ? '; value must be a finite number'
        : '; an observation is { name, time, value }';
  return { name: `${prefix}observations[${index}] (${code})`, message: `${reason}${must}` };
}

/**
 * The offending input of a coercion error (graphql reports one per offender), e.g. a `value` of
 * `1e400` arriving as Infinity. graphql gives the offender's path only inside its message
 * (`Variable "$input" got invalid value Infinity at "input.features[1].value"; Float cannot …`);
 * when the path ends at a feature's value, the variables tell which feature and model, and the
 * offender is named like the service names it (`glucose`, `rows[3].glucose`) with its allowed values.
 */
export function coercionFieldErrors(
  error: GraphQLError,
  variables: Record<string, unknown>,
  specs: FeatureSpecsByModel,
): FieldError[] {
  const node = error.nodes?.[0];
  const variable = node?.kind === 'VariableDefinition' ? node.variable.name.value : undefined;
  if (!variable) return [{ name: 'variables', message: error.message }];
  const located = new RegExp(` at "(${variable}[^"]*)"; (.*)$`, 's').exec(error.message);
  if (!located) return [{ name: variable, message: error.message }];
  const [, path, reason] = located;
  const keys = parsePath(path);

  // Walk the variables along the path, remembering every object passed: the feature, its row, the input.
  const visited: Record<string | number, unknown>[] = [];
  let here: unknown = variables;
  for (const key of keys) {
    if (!isRecord(here)) break;
    visited.push(here);
    here = here[key];
  }
  const rowsAt = keys.indexOf('rows');
  // The monitor names a stay's observations as one stay of a batch (`observations[0].observations[3] (HR)`); its
  // inputs are the ones that name a stay.
  const monitorInput = isRecord(visited[1]) && typeof visited[1].stayRef === 'string' && keys[1] === 'observations';
  const prefix =
    rowsAt >= 0 && typeof keys[rowsAt + 1] === 'number'
      ? `rows[${keys[rowsAt + 1]}].`
      : monitorInput
        ? 'observations[0].'
        : '';
  const course = courseFieldError(keys, visited, here, reason, prefix);
  if (course) return [course];

  const feature = keys.at(-1) === 'value' && visited.length === keys.length ? visited.at(-1) : undefined;
  const featureName = typeof feature?.name === 'string' ? feature.name : undefined;
  if (!featureName) return [{ name: path, message: reason }];

  const modelId = visited.map((v) => v.modelId).find((id): id is string => typeof id === 'string');
  const spec = modelId ? specs.get(modelId)?.find((s) => s.name === featureName) : undefined;
  return [{ name: `${prefix}${featureName}`, message: spec ? `${reason}; ${mustBe(spec)}` : reason }];
}
