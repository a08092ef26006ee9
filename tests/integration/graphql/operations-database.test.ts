/**
 * The documented client operations (graphql/operations) through Apollo's executeOperation, stored in the real audit log
 * on Postgres and on PGlite.
 */
import { randomBytes } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { prismaAuditLog } from '@/audit/audit-log';
import { migrate } from '@/db/migrations';
import { ModelRegistry } from '@/inference/model-registry';
import {
  operations,
  startTestServer,
  type PredictionData,
  type Reply,
  type TestServer,
} from '../../support/graphql-server';
import { HEART_FAILURE_ROW, PIMA_ROW } from '../../support/requests';
import { DATABASES, type TestDatabase } from '../../support/test-databases';

const registry = new ModelRegistry('models');
afterAll(() => registry.close());

interface Page {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: {
    cursor: string;
    node: {
      id: string;
      modelId: string;
      patientRef: string | null;
      riskBand: string;
      createdAt: string;
      probability: number;
    };
  }[];
}

function ok<T>(reply: Reply, field: string): T {
  expect(reply.errors).toBeUndefined();
  return (reply.data as Record<string, T>)[field];
}

type CodedError = GraphQLFormattedError & {
  extensions: { code: string; fields?: { name: string; message: string }[] };
};

/** The one error of a reply, checked to carry a code. */
function onlyError(reply: Reply): CodedError {
  expect(reply.errors).toHaveLength(1);
  const [error] = reply.errors as GraphQLFormattedError[];
  expect(typeof error.extensions?.code).toBe('string');
  return error as CodedError;
}

const logit = (p: number) => Math.log(p / (1 - p));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectExplained(prediction: Pick<PredictionData, 'probability' | 'baseValue' | 'contributions'>) {
  const margin = prediction.baseValue + prediction.contributions.reduce((s, c) => s + c.contribution, 0);
  expect(Math.abs(margin - logit(prediction.probability))).toBeLessThan(1e-5);
}

/** A patientRef no other test uses, so each test can filter down to its own records. */
function uniqueRef(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

const withGlucose = (glucose: number) => PIMA_ROW.map((f) => (f.name === 'glucose' ? { ...f, value: glucose } : f));

describe.each(DATABASES)('the documented operations over the audit log on %s', (kind, create) => {
  let database: TestDatabase;
  let server: TestServer;
  let run: TestServer['run'];

  beforeAll(async () => {
    database = await create();
    await migrate(database.db);
    server = startTestServer({ registry, audit: prismaAuditLog(database.db.prisma) });
    run = server.run;
  });

  afterAll(async () => {
    await server?.stop();
    await database?.dispose();
  });

  async function totalCount(filter?: Record<string, unknown>): Promise<number> {
    return ok<Page>(await run(operations.ListPredictions, { filter, first: 1 }), 'predictions').totalCount;
  }

  it('opened the database it was asked for', () => {
    expect(database.db.kind).toBe(kind);
  });

  describe('ListModels and GetModel', () => {
    it('lists every shipped model with its inputs', async () => {
      const models = ok<{ id: string; features: { name: string }[]; dataset: { rows: number } }[]>(
        await run(operations.ListModels),
        'models',
      );
      expect(models.map((m) => m.id)).toEqual(['diabetes', 'heart-failure', 'icu-mortality', 'sepsis']);
      const heartFailure = models.find((m) => m.id === 'heart-failure');
      expect(heartFailure?.features.map((f) => f.name)).toEqual(['age', 'ejection_fraction', 'serum_creatinine']);
      expect(heartFailure?.dataset.rows).toBe(299);
    });

    it("returns one model's card, and null for an unknown id", async () => {
      const card = (await registry.get('diabetes')).card;
      const model = ok<Record<string, unknown>>(await run(operations.GetModel, { id: 'diabetes' }), 'model');
      expect(model).toMatchObject({ id: 'diabetes', version: card.version, threshold: card.threshold.value });
      expect(ok(await run(operations.GetModel, { id: 'no-such-model' }), 'model')).toBeNull();
    });
  });

  describe('Predict and GetPrediction', () => {
    it.each([
      ['diabetes', PIMA_ROW],
      ['heart-failure', HEART_FAILURE_ROW],
    ])('stores a %s prediction and reads it back by id with the same contributions', async (modelId, features) => {
      const patientRef = uniqueRef('predict');
      const before = await totalCount();
      const made = ok<PredictionData>(
        await run(
          operations.Predict,
          { input: { modelId, features, patientRef } },
          new Map([['x-request-id', `trace-${patientRef}`]]),
        ),
        'predict',
      );
      expect(made.model.id).toBe(modelId);
      expect(made.features).toEqual(features);
      expectExplained(made);
      expect(await totalCount()).toBe(before + 1);

      const read = ok<PredictionData & { requestId: string; modelVersion: string; onnxSha256: string }>(
        await run(operations.GetPrediction, { id: made.id }),
        'prediction',
      );
      expect(read).toMatchObject({
        id: made.id,
        probability: made.probability,
        positive: made.positive,
        riskBand: made.riskBand,
        baseValue: made.baseValue,
        patientRef,
        requestId: `trace-${patientRef}`,
        createdAt: made.createdAt,
      });
      expect(read.contributions).toEqual(made.contributions);
      expect(read.features).toEqual(features);
      expect(read.modelVersion).toBe((await registry.get(modelId)).card.version);
      expect(read.onnxSha256).toMatch(/^[0-9a-f]{64}$/);
      expectExplained(read);
    });

    it('accepts heart-failure with exactly its 3 features', async () => {
      const made = ok<PredictionData>(
        await run(operations.Predict, { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } }),
        'predict',
      );
      expect(made.contributions.map((c) => c.name).sort()).toEqual(['age', 'ejection_fraction', 'serum_creatinine']);
      expect(made.patientRef).toBeNull();
    });

    it('returns null for an unknown id and for a string that is no uuid', async () => {
      expect(
        ok(await run(operations.GetPrediction, { id: '00000000-0000-4000-8000-000000000000' }), 'prediction'),
      ).toBeNull();
      expect(ok(await run(operations.GetPrediction, { id: 'no-such-id' }), 'prediction')).toBeNull();
    });
  });

  describe('PredictBatch', () => {
    it('stores one record per row of a batch of 3', async () => {
      const patientRef = uniqueRef('batch');
      const rows = [
        { features: PIMA_ROW, patientRef },
        { features: withGlucose(90), patientRef },
        { features: withGlucose(199), patientRef },
      ];
      const before = await totalCount();
      const made = ok<PredictionData[]>(
        await run(operations.PredictBatch, { input: { modelId: 'diabetes', rows } }),
        'predictBatch',
      );
      expect(made).toHaveLength(3);
      made.forEach(expectExplained);
      expect(made[1].probability).toBeLessThan(made[2].probability);
      expect(await totalCount()).toBe(before + 3);

      const stored = ok<Page>(await run(operations.ListPredictions, { filter: { patientRef } }), 'predictions');
      expect(stored.totalCount).toBe(3);
      expect(new Set(stored.edges.map((e) => e.node.id))).toEqual(new Set(made.map((p) => p.id)));
      for (const p of made) {
        const read = ok<PredictionData>(await run(operations.GetPrediction, { id: p.id }), 'prediction');
        expect(read.contributions).toEqual(p.contributions);
        expect(read.probability).toBe(p.probability);
      }
    });

    it('stores nothing of a batch with one invalid row and names the row and feature', async () => {
      const patientRef = uniqueRef('refused');
      const rows = [
        { features: PIMA_ROW, patientRef },
        { features: withGlucose(900), patientRef },
        { features: PIMA_ROW, patientRef },
      ];
      const before = await totalCount();
      const error = onlyError(await run(operations.PredictBatch, { input: { modelId: 'diabetes', rows } }));
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.fields).toEqual([
        { name: 'rows[1].glucose', message: '900 is outside the allowed range 20 to 600 mg/dL' },
      ]);
      expect(await totalCount()).toBe(before);
      expect(await totalCount({ patientRef })).toBe(0);
    });
  });

  describe('ListPredictions', () => {
    it('pages 25 records ten at a time, newest first, with no overlap', async () => {
      const patientRef = uniqueRef('paging');
      const made: PredictionData[] = [];
      // Five batches of five: one batch shares createdAt (ids break the tie), batches are apart.
      for (let batch = 0; batch < 5; batch++) {
        const rows = Array.from({ length: 5 }, (_, i) => ({ features: withGlucose(80 + batch * 20 + i), patientRef }));
        made.push(
          ...ok<PredictionData[]>(
            await run(operations.PredictBatch, { input: { modelId: 'diabetes', rows } }),
            'predictBatch',
          ),
        );
        await sleep(5);
      }
      const filter = { patientRef };
      const whole = ok<Page>(await run(operations.ListPredictions, { filter, first: 100 }), 'predictions');
      expect(whole.totalCount).toBe(25);
      expect(whole.pageInfo.hasNextPage).toBe(false);
      const order = whole.edges.map((e) => e.node.id);
      expect(new Set(order)).toEqual(new Set(made.map((p) => p.id)));
      // Newest first: createdAt never increases down the list, and the last batch comes first.
      const times = whole.edges.map((e) => Date.parse(e.node.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(new Set(order.slice(0, 5))).toEqual(new Set(made.slice(20).map((p) => p.id)));

      const pages: Page[] = [];
      let after: string | null = null;
      do {
        const page: Page = ok<Page>(await run(operations.ListPredictions, { filter, first: 10, after }), 'predictions');
        pages.push(page);
        expect(page.totalCount).toBe(25);
        expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after && pages.length < 10);
      expect(pages.map((p) => p.edges.length)).toEqual([10, 10, 5]);
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
      const seen = pages.flatMap((p) => p.edges.map((e) => e.node.id));
      expect(new Set(seen).size).toBe(25);
      expect(seen).toEqual(order);
      // An edge's cursor continues right after that edge.
      const fromEdge = ok<Page>(
        await run(operations.ListPredictions, { filter, first: 2, after: pages[0].edges[3].cursor }),
        'predictions',
      );
      expect(fromEdge.edges.map((e) => e.node.id)).toEqual(order.slice(4, 6));
    });

    it('filters by model, patient, risk band and a half-open time range', async () => {
      const patientRef = uniqueRef('filter');
      const otherRef = uniqueRef('filter-other');
      const made: PredictionData[] = [];
      const predict = async (modelId: string, features: unknown, ref: string) => {
        made.push(
          ok<PredictionData>(
            await run(operations.Predict, { input: { modelId, features, patientRef: ref } }),
            'predict',
          ),
        );
        // Distinct, ordered createdAt (stored to the millisecond).
        await sleep(5);
      };
      await predict('diabetes', withGlucose(60), patientRef);
      await predict('diabetes', withGlucose(199), patientRef);
      await predict('heart-failure', HEART_FAILURE_ROW, patientRef);
      await predict('diabetes', withGlucose(120), otherRef);

      const list = async (filter: Record<string, unknown>) =>
        ok<Page>(await run(operations.ListPredictions, { filter, first: 100 }), 'predictions');
      const ids = (page: Page) => page.edges.map((e) => e.node.id);

      const mine = await list({ patientRef });
      expect(mine.totalCount).toBe(3);
      expect(ids(mine)).toEqual([made[2].id, made[1].id, made[0].id]);
      expect(mine.edges.every((e) => e.node.patientRef === patientRef)).toBe(true);

      const heartFailure = await list({ modelId: 'heart-failure', patientRef });
      expect(ids(heartFailure)).toEqual([made[2].id]);
      expect(heartFailure.edges[0].node.modelId).toBe('heart-failure');
      expect((await list({ modelId: 'diabetes', patientRef })).totalCount).toBe(2);
      expect((await list({ modelId: 'sepsis', patientRef })).totalCount).toBe(0);

      const everyDiabetes = await list({ modelId: 'diabetes' });
      expect(everyDiabetes.edges.every((e) => e.node.modelId === 'diabetes')).toBe(true);
      expect(ids(everyDiabetes)).toEqual(expect.arrayContaining([made[0].id, made[1].id, made[3].id]));

      for (const band of new Set(made.slice(0, 3).map((p) => p.riskBand))) {
        const inBand = await list({ patientRef, riskBand: band });
        const expected = made.slice(0, 3).filter((p) => p.riskBand === band);
        expect(inBand.totalCount).toBe(expected.length);
        expect(new Set(ids(inBand))).toEqual(new Set(expected.map((p) => p.id)));
        expect(inBand.edges.every((e) => e.node.riskBand === band)).toBe(true);
      }
      // Low and high glucose should not land in the same band; if they do, the filter above proved little.
      expect(made[0].riskBand).not.toBe(made[1].riskBand);

      const at = (i: number) => made[i].createdAt;
      expect(ids(await list({ patientRef, from: at(1) }))).toEqual([made[2].id, made[1].id]);
      expect(ids(await list({ patientRef, to: at(1) }))).toEqual([made[0].id]);
      const window = await list({ from: at(1), to: at(3) });
      expect(ids(window)).toEqual([made[2].id, made[1].id]);
      expect(window.edges[0].node.createdAt).toBe(at(2));
    });

    it('refuses first outside 1 to 100 and a cursor it did not hand out, naming the argument', async () => {
      for (const first of [0, 101]) {
        const error = onlyError(await run(operations.ListPredictions, { first }));
        expect(error.extensions.code).toBe('BAD_USER_INPUT');
        expect(error.extensions.fields).toEqual([
          { name: 'first', message: `must be an integer from 1 to 100, got ${first}` },
        ]);
      }
      for (const after of [
        'bm90LWEtY3Vyc29y',
        'garbage',
        Buffer.from(`${new Date().toISOString()}|1; DROP TABLE prediction`).toString('base64url'),
      ]) {
        const error = onlyError(await run(operations.ListPredictions, { after }));
        expect(error.extensions.code).toBe('BAD_USER_INPUT');
        expect(error.extensions.fields).toEqual([
          { name: 'after', message: expect.stringContaining('not a valid cursor') },
        ]);
      }
      // The table is still there and still answers.
      expect(await totalCount()).toBeGreaterThan(0);
    });
  });

  describe('append-only', () => {
    it('rejects UPDATE and DELETE of a stored row, leaving it as it was', async () => {
      const made = ok<PredictionData>(
        await run(operations.Predict, { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } }),
        'predict',
      );
      const before = await totalCount();
      await expect(
        database.db.transaction((tx) => tx.query('UPDATE prediction SET probability = 0 WHERE id = $1', [made.id])),
      ).rejects.toThrow(/append-only audit log: UPDATE is not allowed/);
      await expect(database.db.transaction((tx) => tx.query('UPDATE prediction SET probability = 0'))).rejects.toThrow(
        /append-only/,
      );
      await expect(
        database.db.transaction((tx) => tx.query('DELETE FROM prediction WHERE id = $1', [made.id])),
      ).rejects.toThrow(/append-only audit log: DELETE is not allowed/);
      await expect(database.db.transaction((tx) => tx.query('TRUNCATE prediction'))).rejects.toThrow(
        /TRUNCATE is not allowed/,
      );

      const read = ok<PredictionData>(await run(operations.GetPrediction, { id: made.id }), 'prediction');
      expect(read.probability).toBe(made.probability);
      expect(read.contributions).toEqual(made.contributions);
      expect(await totalCount()).toBe(before);
    });
  });

  describe('text filters Postgres cannot match', () => {
    it.each([
      ['modelId', 'a\u0000b', 'must not contain control characters'],
      ['patientRef', 'a\u0000b', 'must not contain control characters'],
      ['requester', 'a\u0000b', 'must not contain control characters'],
      ['modelId', 'heart\udc00', 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)'],
      ['patientRef', '\ud800MRN', 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)'],
      ['requester', '\ud83d', 'must be well-formed Unicode text (it holds a lone UTF-16 surrogate)'],
      ['patientRef', 'x'.repeat(129), 'must be at most 128 characters; got 129'],
    ])(
      'refuses a %s of %j with BAD_USER_INPUT naming the field (INTERNAL_SERVER_ERROR before)',
      async (field, value, message) => {
        const reply = await run(operations.ListPredictions, { filter: { [field]: value }, first: 5 });
        const error = onlyError(reply);
        expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ name: field, message }] });
        expect(error.message).toBe(`${field}: ${message}`);
      },
    );
  });
});
