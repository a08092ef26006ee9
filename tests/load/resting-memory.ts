/**
 * A running server's memory at rest after a full garbage collection, read through its inspector (the Chrome
 * DevTools Protocol, chrome-remote-interface): the server is started with `--inspect=127.0.0.1:<port>`, and
 * nothing in the app itself knows of it.
 *
 * Why the soak judges this and not the RSS under load: at ~800–1,100 predictions/s V8 grows and shrinks its
 * heap in steps of 50–150 MiB (the RSS under load wandered from +20 to +190 MiB above its start level in 8 s
 * on the same build), while the heap that survives a full collection was 138, 136 and 137 MiB after 3,000,
 * 18,000 and 33,000 predictions. A leak is memory that survives collection, so it is measured there.
 */
import CDP from 'chrome-remote-interface';

export interface RestingMemory {
  /** The process's resident set, after the collection. */
  rssMiB: number;
  /** V8's heap objects that survived the collection. */
  heapUsedMiB: number;
  /** Memory outside V8's heap that its objects own (Buffers, ArrayBuffers). */
  externalMiB: number;
  /** heapUsedMiB + externalMiB: what a leak of JavaScript objects or buffers grows. */
  retainedMiB: number;
}

const MiB = 2 ** 20;

/**
 * Collects garbage twice (the second pass frees what the first one's finalizers let go) and reads
 * `process.memoryUsage()` in the server's main context.
 */
export async function restingMemory(inspectorPort: number): Promise<RestingMemory> {
  const client = await CDP({ host: '127.0.0.1', port: inspectorPort, local: true });
  try {
    await client.HeapProfiler.collectGarbage();
    await client.HeapProfiler.collectGarbage();
    const { result, exceptionDetails } = await client.Runtime.evaluate({
      expression: 'process.memoryUsage()',
      returnByValue: true,
    });
    if (exceptionDetails) throw new Error(`process.memoryUsage() failed in the server: ${exceptionDetails.text}`);
    const usage = result.value as NodeJS.MemoryUsage;
    const round = (bytes: number) => Number((bytes / MiB).toFixed(1));
    return {
      rssMiB: round(usage.rss),
      heapUsedMiB: round(usage.heapUsed),
      externalMiB: round(usage.external),
      retainedMiB: round(usage.heapUsed + usage.external),
    };
  } finally {
    await client.close();
  }
}
