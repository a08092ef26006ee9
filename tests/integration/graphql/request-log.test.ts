/**
 * One log line and one metric per GraphQL request, with request id, operation, model, latency and outcome, and never a
 * feature value or patientRef.
 */
import { ModelRegistry } from '@/inference/model-registry';
import { operations, startTestServer } from '../../support/graphql-server';
import { PagedMemoryAuditLog } from '../../support/paged-memory-audit-log';

const registry = new ModelRegistry('models');
afterAll(() => registry.close());

// Values no other field of a log line could hold by chance.
const FEATURES = [
  { name: 'age', value: 71.25 },
  { name: 'ejection_fraction', value: 23.75 },
  { name: 'serum_creatinine', value: 1.875 },
];
const PATIENT = 'MRN-SECRET-8841';

describe('the request log and metrics', () => {
  it('writes one line per request naming the request, operation, model, latency and outcome, without values or patient', async () => {
    const server = startTestServer({ registry, audit: new PagedMemoryAuditLog() });
    try {
      const ok = await server.run(
        operations.Predict,
        { input: { modelId: 'heart-failure', features: FEATURES, patientRef: PATIENT } },
        new Map([['x-request-id', 'trace-ok']]),
      );
      expect(ok.errors).toBeUndefined();
      const bad = await server.run(
        operations.Predict,
        { input: { modelId: 'heart-failure', features: [{ name: 'age', value: 371.25 }], patientRef: PATIENT } },
        new Map([['x-request-id', 'trace-bad']]),
      );
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');

      const lines = server.logs.filter((l) => l.msg === 'graphql request');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatchObject({
        requestId: 'trace-ok',
        operation: 'Predict',
        operationType: 'mutation',
        model: 'heart-failure',
        outcome: 'OK',
        status: 200,
        latencyMs: expect.any(Number),
      });
      expect(lines[1]).toMatchObject({
        requestId: 'trace-bad',
        operation: 'Predict',
        model: 'heart-failure',
        outcome: 'BAD_USER_INPUT',
      });
      const everything = JSON.stringify(server.logs);
      for (const secret of [PATIENT, '71.25', '23.75', '1.875', '371.25']) expect(everything).not.toContain(secret);

      const requests = await server.services.metrics.registry.getSingleMetricAsString('crc_graphql_requests_total');
      expect(requests).toContain('crc_graphql_requests_total{operation="Predict",outcome="OK"} 1');
      expect(requests).toContain('crc_graphql_requests_total{operation="Predict",outcome="BAD_USER_INPUT"} 1');
      const duration = await server.services.metrics.registry.getSingleMetricAsString(
        'crc_graphql_request_duration_seconds',
      );
      expect(duration).toContain('crc_graphql_request_duration_seconds_count{operation="Predict",outcome="OK"} 1');
    } finally {
      await server.stop();
    }
  });

  it('labels a document that does not parse as unparsed, with its error code', async () => {
    const server = startTestServer({ registry, audit: new PagedMemoryAuditLog() });
    try {
      await server.run('mutation { predict(', {});
      expect(server.logs.filter((l) => l.msg === 'graphql request')).toEqual([
        expect.objectContaining({ operation: 'unparsed', outcome: 'GRAPHQL_PARSE_FAILED' }),
      ]);
    } finally {
      await server.stop();
    }
  });
});
