/**
 * Next.js bundles a module into more than one chunk of the same process (route handlers in one,
 * pages and server actions in another), each with its own copy of the module's state and classes.
 * What must be one per process is kept on globalThis under a Symbol.for key, the one place every
 * chunk shares; and classes whose instances cross chunks are branded the same way, so that
 * `instanceof` recognises an error thrown by the other copy.
 */

/** The value `create` makes, once per process whichever chunk asks first. */
export function processWide<T>(name: string, create: () => T): T {
  const store = globalThis as unknown as Record<symbol, T | undefined>;
  const key = Symbol.for(`clinical-risk-console/${name}`);
  if (!(key in store)) store[key] = create();
  return store[key] as T;
}

/** Makes `value instanceof cls` true for instances of any chunk's copy of `cls` (by its name). */
export function brandInstances(cls: abstract new (...args: never[]) => object, name: string): void {
  const brand = Symbol.for(`clinical-risk-console/class/${name}`);
  Object.defineProperty(cls.prototype, brand, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value: (value: unknown) => typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true,
  });
}
