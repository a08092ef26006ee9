/**
 * What every text taken from outside must be before it is hashed, stored or used as a filter:
 * well-formed Unicode without control characters. Postgres cannot store a lone UTF-16 surrogate
 * (it keeps U+FFFD instead, so the stored text would differ from the hashed one) nor NUL, and no
 * identifier, name or filter value holds control characters.
 */

// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** Why `text` is refused, phrased to follow the field's name; undefined when it is acceptable. */
export function textProblem(text: string): string | undefined {
  if (!text.isWellFormed()) return 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)';
  if (CONTROL_CHARACTER.test(text)) return 'must not contain control characters';
  return undefined;
}
