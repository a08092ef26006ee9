/**
 * /api/metrics when `npm start` runs several server processes (src/server/cluster.ts): a scrape reaches one of them, and
 * must report what all of them counted. The worker that is asked asks the primary, which gathers every worker's
 * registry and merges them (prom-client's AggregatorRegistry: counters and histograms summed, each gauge by its own
 * `aggregator`).
 */
import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

const REQUEST = 'crc:cluster-metrics-request';
const RESPONSE = 'crc:cluster-metrics-response';

type Request = { type: typeof REQUEST; id: number };
type Response = { type: typeof RESPONSE; id: number; text?: string; error?: string };

/**
 * The primary's side: answers each worker's request with the metrics of every worker. Call once, in the primary. A
 * worker that has died since it asked is not answered (and the failed send is logged, never thrown).
 */
export function serveClusterMetrics(log: (line: string) => void = () => undefined): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message: Partial<Request>) => {
    if (message?.type !== REQUEST || typeof message.id !== 'number') return;
    const id = message.id;
    const answer = (response: Response) => {
      if (!worker.isConnected()) return;
      worker.send(response, undefined, (error) => {
        if (error) log(`the metrics could not be sent to a server process: ${error.message}`);
      });
    };
    aggregator.clusterMetrics().then(
      (text) => answer({ type: RESPONSE, id, text }),
      (error: unknown) => answer({ type: RESPONSE, id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/**
 * A worker's side: `registry` is what this process reports when the primary gathers (prom-client answers its
 * requests once an AggregatorRegistry exists in the process, so one is made here for that alone).
 */
export function reportToPrimary(registry: Registry): void {
  AggregatorRegistry.setRegistries([registry]);
  new AggregatorRegistry();
}

let nextId = 0;

/** Every worker's metrics in Prometheus' text format, asked of the primary; rejects after `timeoutMs`. */
export function allWorkersMetrics(timeoutMs = 10_000): Promise<string> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const onMessage = (message: Partial<Response>) => {
      if (message?.type !== RESPONSE || message.id !== id) return;
      clearTimeout(timer);
      process.off('message', onMessage);
      if (typeof message.text === 'string') resolve(message.text);
      else reject(new Error(`the primary could not gather the workers' metrics: ${message.error ?? 'no answer'}`));
    };
    const timer = setTimeout(() => {
      process.off('message', onMessage);
      reject(new Error(`the primary did not answer for the workers' metrics within ${timeoutMs} ms`));
    }, timeoutMs);
    process.on('message', onMessage);
    process.send!({ type: REQUEST, id } satisfies Request);
  });
}
