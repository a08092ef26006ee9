/**
 * The service's Prometheus metrics (prom-client): requests by operation and outcome, their latency, and predictions by
 * model and risk band.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { processWide } from '@/config/process-wide';

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
}

/** A fresh set on its own registry (tests use one each; the server uses `processMetrics`). */
export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  // Process metrics (RSS, heap, event-loop lag) show a leak or a stall in a soak.
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
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
  };
}

/**
 * The process's one set: /api/metrics must report what every Next.js chunk counted (process-wide.ts).
 */
export function processMetrics(): Metrics {
  return processWide('metrics', () => createMetrics({ processMetrics: true }));
}
