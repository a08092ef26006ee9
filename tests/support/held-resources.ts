/**
 * What a benchmark or the soak opens (a throwaway database, a server, models), released in reverse
 * order when the run ends, fails or is interrupted (Ctrl-C), so that no database or server outlives it.
 */

export interface HeldResources {
  /** Registers `resource` to be released by `release` at the end; returns it. */
  hold<T>(resource: T, release: (resource: T) => Promise<unknown>): T;
  /** Releases one held resource now (a server before an in-process phase, say); later releases skip it. */
  release(resource: unknown): Promise<void>;
}

export async function withHeldResources<T>(work: (held: HeldResources) => Promise<T>): Promise<T> {
  const releases: { resource: unknown; release: () => Promise<unknown> }[] = [];
  const releaseOne = async (index: number) => {
    const [entry] = releases.splice(index, 1);
    await entry
      .release()
      .catch((error: unknown) => console.error(`could not release a resource at the end of the run: ${error}`));
  };
  const releaseAll = async () => {
    while (releases.length > 0) await releaseOne(releases.length - 1);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: releasing the run's databases and servers`);
    void releaseAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await work({
      hold(resource, release) {
        releases.push({ resource, release: () => release(resource) });
        return resource;
      },
      async release(resource) {
        const index = releases.findIndex((entry) => entry.resource === resource);
        if (index >= 0) await releaseOne(index);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await releaseAll();
  }
}
