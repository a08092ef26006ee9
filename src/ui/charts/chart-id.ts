/**
 * Element ids for a chart's title and description, derived from its content: server components have no useId, and two
 * charts on one page must not share ids.
 */

/** FNV-1a, 32 bit: short, stable across renders and processes, and different for different content. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** "chart-<kind>-<hash>": the same content gives the same id, so a chart renders identically every time. */
export function chartId(kind: string, content: string): string {
  return `chart-${kind}-${fnv1a(content).toString(36)}`;
}
