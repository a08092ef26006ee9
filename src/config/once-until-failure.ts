/**
 * Building something a process needs once (its services, Apollo, a route's handler) on first use, where the first try
 * may fail because the database is not up yet.
 */

/** `build`'s result on every call; `started` is the build if one was begun (and not forgotten), without beginning one. */
export interface OnceUntilFailure<T> {
  (): Promise<T>;
  started(): Promise<T> | null;
}

/**
 * Runs `build` on the first call and hands its promise to every later one, concurrent first callers included. A build
 * that fails is forgotten, so the next call tries again.
 */
export function onceUntilFailure<T>(build: () => Promise<T>): OnceUntilFailure<T> {
  let pending: Promise<T> | null = null;
  const get = () => {
    pending ??= build().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
  return Object.assign(get, { started: () => pending });
}
