/**
 * The header check of `npm run score`: which columns of a scoring file are features, which are copied through, and what
 * refuses the file.
 */
import { CodedError } from '@/errors/coded-error';
import type { FeatureSpec } from '@/features/feature-set';

/** What a header means for one model; the file may be scored only when `problems` is empty. */
export interface ScoreColumns {
  /** Columns copied to the output unchanged: neither a feature nor a near-miss of one, in header order. */
  passThrough: string[];
  /** Each a whole sentence naming the columns; any one refuses the whole file. */
  problems: string[];
  /** Each a whole sentence; the file is scored, but the user should know. */
  warnings: string[];
}

/** A header that cannot be scored as written; nothing of the file is scored. */
export class ScoreColumnsError extends CodedError {
  readonly code = 'SCORE_COLUMNS';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
  }
}

/**
 * The spelling-insensitive form of a column name: `Glucose`, `BLOOD PRESSURE`, `blood-pressure`,
 * `Blood.Pressure` and `BloodPressure` (the Kaggle Pima header) all mean one feature to a reader,
 * but only the card's exact name means it to the command.
 */
export function normalizeColumnName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}

const quote = (name: string) => `\`${name}\``;

/**
 * Sorts a header against a model's inputs. A near-miss of a feature name is refused rather than
 * copied through: copied through, the feature would be scored as missing, which for most inputs
 * changes the risk silently (a misspelled `Glucose` moved one diabetes patient from LOW to HIGH).
 */
export function checkScoreColumns(
  header: readonly string[],
  model: { id: string; features: readonly Pick<FeatureSpec, 'name' | 'required'>[] },
): ScoreColumns {
  const exact = new Set(model.features.map((f) => f.name));
  const byNormalized = new Map(model.features.map((f) => [normalizeColumnName(f.name), f.name]));
  const problems: string[] = [];
  const passThrough: string[] = [];
  const lookalikes = new Set<string>();
  const counts = new Map<string, number>();
  for (const column of header) {
    if (exact.has(column)) {
      counts.set(column, (counts.get(column) ?? 0) + 1);
      continue;
    }
    const feature = byNormalized.get(normalizeColumnName(column));
    if (feature !== undefined) {
      lookalikes.add(feature);
      problems.push(`column ${quote(column)} looks like feature ${quote(feature)}; rename it to ${quote(feature)}`);
    } else passThrough.push(column);
  }
  // The CSV reader keeps only the last of two same-named cells, so a repeated feature would lose a value unseen.
  for (const [column, count] of counts) {
    if (count > 1) problems.push(`column ${quote(column)} appears ${count} times; keep one`);
  }
  // A required feature only misspelled is already named above; naming it again as missing would mislead.
  const missing = model.features
    .filter((f) => f.required && !counts.has(f.name) && !lookalikes.has(f.name))
    .map((f) => quote(f.name));
  if (missing.length > 0) {
    problems.push(
      `model ${quote(model.id)} requires column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which the file lacks`,
    );
  }
  const optional = model.features.filter((f) => !f.required);
  const warnings: string[] = [];
  if (optional.length > 0 && !optional.some((f) => counts.has(f.name)) && problems.length === 0) {
    warnings.push(
      `the file has none of model ${quote(model.id)}'s optional columns (${optional.map((f) => quote(f.name)).join(', ')}): every optional input will be treated as missing`,
    );
  }
  return { passThrough, problems, warnings };
}
