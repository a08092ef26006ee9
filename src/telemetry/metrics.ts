/**
 * The service's Prometheus metrics (prom-client): requests by operation and outcome, their latency, predictions by
 * model and risk band, and each model input's drift (PSI) read at scrape time.
 */
import cluster from 'node:cluster';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { processWide } from '@/config/process-wide';
import { allWorkersMetrics, reportToPrimary } from './cluster-metrics';

export interface Metrics {
  registry: Registry;
  /** GraphQL requests, by operation name and outcome (OK or the first error's code). */
  requests: Counter<'operation' | 'outcome'>;
  /** Seconds from a request's start to its response, by operation and outcome. */
  requestDuration: Histogram<'operation' | 'outcome'>;
  /** Stored predictions (rows, not requests), by model and risk band, from the API and the dashboard alike. */
  predictions: Counter<'model' | 'risk_band'>;
  /** Stream messages a worker finished with, by outcome: processed, rejected (dead-lettered), retried, skipped. */
  streamMessages: Counter<'outcome'>;
  /** Observations a worker was sent that were already stored (redelivery, or a producer sending again). */
  streamDuplicates: Counter;
  /** PSI of each model input over the drift window, read from the drift source at scrape time. */
  inputPsi: Gauge<'model' | 'input'>;
  /** Share of the window's requests missing each input, read with the PSI. */
  inputMissingShare: Gauge<'model' | 'input'>;
  /** Where the drift gauges read from (the server sets the monitoring's drift); until then they are empty. */
  setInputDriftSource(source: InputDriftSource): void;
}

/** A model's drift as the gauges read it (src/monitoring/input-drift.ts); `inputs` null: too few requests to tell. */
export interface InputDriftReading {
  modelId: string;
  inputs: { name: string; psi: number; missingShare: number }[] | null;
}
export type InputDriftSource = () => Promise<InputDriftReading[]>;

/** A fresh set on its own registry (tests use one each; the server uses `processMetrics`). */
export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // Process metrics (RSS, heap, event-loop lag) show a leak or a stall in a soak.
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  let driftSource: InputDriftSource | null = null;
  /** One gauge's series from the source: a model with too few requests, or a source that fails, has none. */
  const driftGauge = (name: string, help: string, value: (input: { psi: number; missingShare: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['model', 'input'],
      registers: [registry],
      // Every server process reads the same database: with several (src/server/cluster.ts), one reading is the value.
      aggregator: 'first',
      async collect() {
        this.reset();
        if (!driftSource) return;
        // The source caches (DRIFT_CACHE_MS), so the two gauges and frequent scrapes share one scan. A database that
        // cannot answer must not take the other metrics down with it: the series are then absent.
        const drifts = await driftSource().catch(() => []);
        for (const drift of drifts)
          for (const input of drift.inputs ?? []) this.set({ model: drift.modelId, input: input.name }, value(input));
      },
    });
  return {
    registry,
    requests: new Counter({
      name: 'crc_graphql_requests_total',
      help: 'GraphQL requests by operation and outcome',
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'crc_graphql_request_duration_seconds',
      help: 'GraphQL request latency by operation and outcome',
      labelNames: ['operation', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    predictions: new Counter({
      name: 'crc_predictions_total',
      help: 'Stored predictions by model and risk band',
      labelNames: ['model', 'risk_band'],
      registers: [registry],
    }),
    streamMessages: new Counter({
      name: 'crc_stream_messages_total',
      help: 'JetStream observation messages handled by workers, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    streamDuplicates: new Counter({
      name: 'crc_stream_duplicate_observations_total',
      help: 'Observations received from the stream that were already stored',
      registers: [registry],
    }),
    inputPsi: driftGauge(
      'crc_input_psi',
      'Population stability index of each model input, last 7 days of requests against training (< 0.1 stable, 0.1-0.25 watch, > 0.25 shift)',
      (input) => input.psi,
    ),
    inputMissingShare: driftGauge(
      'crc_input_missing_share',
      'Share of the last 7 days of requests missing each model input',
      (input) => input.missingShare,
    ),
    setInputDriftSource(source) {
      driftSource = source;
    },
  };
}

/**
 * The process's one set: /api/metrics must report what every Next.js chunk counted (process-wide.ts).
 */
export function processMetrics(): Metrics {
  return processWide('metrics', () => {
    const metrics = createMetrics({ processMetrics: true });
    if (cluster.isWorker) reportToPrimary(metrics.registry);
    return metrics;
  });
}

/**
 * What /api/metrics answers: this process's metrics or, when it is one of several server processes
 * (src/server/cluster.ts), all of theirs merged; with their content type.
 */
export async function metricsExposition(): Promise<{ text: string; contentType: string }> {
  const { registry } = processMetrics();
  const text = cluster.isWorker ? await allWorkersMetrics() : await registry.metrics();
  return { text, contentType: registry.contentType };
}
