/**
 * The base of every error the Console names: a stable `code` that API clients and logs can rely on,
 * the class's own name, and an `instanceof` that works across Next.js chunks.
 *
 * Next.js bundles a module into more than one chunk of one process (route handlers in one, pages and
 * server actions in another), each with its own copy of every class; an error thrown by one copy
 * fails `instanceof` against the other. So each instance carries a process-wide brand per class in
 * its chain (a `Symbol.for` key named after the class), and `instanceof` checks the brand. This relies
 * on class names surviving the build: next.config.js turns server minification off, and a test keeps
 * every error class name in src unique.
 */
export abstract class CodedError extends Error {
  /** Stable across releases: clients match on it, not on the message. */
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    brandChain(this);
  }

  /** True for an instance of this class (or a subclass) made by any chunk's copy of it. */
  static override [Symbol.hasInstance](this: abstract new (...args: never[]) => unknown, value: unknown): boolean {
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brandOf(this.name)] === true
    );
  }
}

function brandOf(className: string): symbol {
  return Symbol.for(`clinical-risk-console/class/${className}`);
}

/** Brands every prototype from the instance's class up to CodedError, once per class. */
function brandChain(error: CodedError): void {
  for (
    let proto: object | null = Object.getPrototypeOf(error);
    proto && proto !== Error.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    const brand = brandOf((proto as { constructor: { name: string } }).constructor.name);
    if (!Object.prototype.hasOwnProperty.call(proto, brand)) Object.defineProperty(proto, brand, { value: true });
  }
}
