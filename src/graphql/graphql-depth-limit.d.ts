/** Types for graphql-depth-limit, which ships none (its @types package would pull in a second graphql, version 14). */
declare module 'graphql-depth-limit' {
  import type { ValidationContext } from 'graphql';

  interface DepthLimitOptions {
    /** Field names (or patterns, or predicates) whose selections are not counted. */
    ignore?: Array<string | RegExp | ((fieldName: string) => boolean)>;
  }

  /** A validation rule reporting every operation nested deeper than `maxDepth` fields. */
  export default function depthLimit(
    maxDepth: number,
    options?: DepthLimitOptions,
    callback?: (depths: Record<string, number>) => void,
  ): (context: ValidationContext) => ValidationContext;
}
