/**
 * Next.js bundles a module into more than one chunk of the same process (route handlers in one,
 * pages and server actions in another), each with its own copy of the module's state and classes.
 * What must be one per process is kept on globalThis under a Symbol.for key, the one place every
 * chunk shares. (Errors that cross chunks are recognised by src/errors/coded-error.ts.)
 */

/** The value `create` makes, once per process whichever chunk asks first. */
export function processWide<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(`clinical-risk-console/${name}`);
  if (!(key in store)) store[key] = create();
  return store[key] as T;
}
