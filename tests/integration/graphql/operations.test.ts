/**
 * The documented client operations (graphql/operations) against the shipped models, and every error shape a client can
 * meet.
 */
import type { GraphQLFormattedError } from 'graphql';
import { DatabaseUnavailableError } from '@/db/database';
import { MAX_ALIASES, MAX_COST, MAX_DEPTH, MAX_TOKENS } from '@/graphql/limits';
import { ModelRegistry } from '@/inference/model-registry';
import { MAX_BATCH_ROWS, PredictionService } from '@/prediction/prediction-service';
import type { AuditLog } from '@/audit/audit-log';
import { operations, startTestServer, type PredictionData, type Reply } from '../../support/graphql-server';
import { PagedMemoryAuditLog } from '../../support/paged-memory-audit-log';
import { HEART_FAILURE_ROW, PIMA_ROW } from '../../support/requests';

const registry = new ModelRegistry('models');
afterAll(() => registry.close());

/** A clock one second further on each call, so that records have distinct, ordered createdAt. */
function tickingClock(start = Date.UTC(2026, 0, 1)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

function setup(options: { audit?: AuditLog; prediction?: PredictionService } = {}) {
  const audit = new PagedMemoryAuditLog(tickingClock());
  const server = startTestServer({ registry, audit: options.audit ?? audit, prediction: options.prediction });
  return { audit, ...server };
}

function ok<T>(reply: Reply, field: string): T {
  expect(reply.errors).toBeUndefined();
  return (reply.data as Record<string, T>)[field];
}

/** The one error of a reply, checked to carry a code. */
function onlyError(
  reply: Reply,
): GraphQLFormattedError & { extensions: { code: string; fields?: { name: string; message: string }[] } } {
  expect(reply.errors).toHaveLength(1);
  const [error] = reply.errors as GraphQLFormattedError[];
  expect(typeof error.extensions?.code).toBe('string');
  return error as ReturnType<typeof onlyError>;
}

const logit = (p: number) => Math.log(p / (1 - p));

function expectExplained(prediction: PredictionData) {
  const magnitudes = prediction.contributions.map((c) => Math.abs(c.contribution));
  expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
  const margin = prediction.baseValue + prediction.contributions.reduce((s, c) => s + c.contribution, 0);
  // Contributions are log-odds; onnxruntime's float32 probability limits agreement to about 1e-6.
  expect(Math.abs(margin - logit(prediction.probability))).toBeLessThan(1e-5);
}

describe('ListModels and GetModel', () => {
  it('lists every shipped model with its inputs, ranges and cross-validated AUROC', async () => {
    const { run } = setup();
    const models = ok<
      {
        id: string;
        threshold: number;
        features: { name: string; min: number; max: number; required: boolean }[];
        metrics: { auroc: { estimate: number; lower: number; upper: number } };
        dataset: { rows: number };
      }[]
    >(await run(operations.ListModels), 'models');
    expect(models.map((m) => m.id)).toEqual(['diabetes', 'heart-failure', 'icu-mortality', 'sepsis']);
    const heartFailure = models.find((m) => m.id === 'heart-failure');
    expect(heartFailure?.features.map((f) => f.name)).toEqual(['age', 'ejection_fraction', 'serum_creatinine']);
    expect(heartFailure?.dataset.rows).toBe(299);
    for (const { metrics } of models) {
      expect(metrics.auroc.lower).toBeLessThanOrEqual(metrics.auroc.estimate);
      expect(metrics.auroc.estimate).toBeLessThanOrEqual(metrics.auroc.upper);
    }
  });

  it("returns one model's card as the card file holds it, and null for an unknown id", async () => {
    const { run } = setup();
    const card = (await registry.get('diabetes')).card;
    const model = ok<Record<string, unknown>>(await run(operations.GetModel, { id: 'diabetes' }), 'model');
    expect(model).toMatchObject({
      id: 'diabetes',
      version: card.version,
      threshold: card.threshold.value,
      riskBands: { moderateFrom: card.riskBands.moderateFrom, highFrom: card.riskBands.highFrom },
      metrics: {
        auroc: card.evaluation.gbdt.auroc,
        sensitivity: card.evaluation.gbdt.atThresholdIntervals.sensitivity,
        npv: card.evaluation.gbdt.atThreshold.npv,
        utility: null,
      },
      dataset: { rows: card.dataset.rows, licence: card.dataset.licence, sha256: card.dataset.sha256 },
      globalImportance: card.globalImportance,
    });
    expect(ok(await run(operations.GetModel, { id: 'no-such-model' }), 'model')).toBeNull();
  });
});

describe('feature kinds in the model metadata', () => {
  type Listed = { id: string; features: { name: string; kind: string; codes: { value: number; label: string }[] }[] }[];
  const input = (models: Listed, id: string, name: string) =>
    models.find((m) => m.id === id)?.features.find((f) => f.name === name);

  it('ListModels gives every input its kind, and a binary one its codes with their meaning', async () => {
    const { run } = setup();
    const models = ok<Listed>(await run(operations.ListModels), 'models');
    expect(input(models, 'sepsis', 'gender')).toMatchObject({
      kind: 'BINARY',
      codes: [
        { value: 0, label: 'female' },
        { value: 1, label: 'male' },
      ],
    });
    expect(input(models, 'sepsis', 'iculos')).toMatchObject({ kind: 'INTEGER', codes: [] });
    expect(input(models, 'diabetes', 'pregnancies')).toMatchObject({ kind: 'INTEGER', codes: [] });
    expect(input(models, 'diabetes', 'glucose')).toMatchObject({ kind: 'CONTINUOUS', codes: [] });
    for (const { features } of models)
      for (const f of features) expect([f.name, f.codes.length > 0]).toEqual([f.name, f.kind === 'BINARY']);
  });

  it('GetModel gives the kinds and codes the card holds', async () => {
    const { run } = setup();
    const card = (await registry.get('sepsis')).card;
    const model = ok<Listed[number]>(await run(operations.GetModel, { id: 'sepsis' }), 'model');
    expect(model.features.map((f) => [f.name, f.kind, f.codes])).toEqual(
      card.features.map((f) => [f.name, f.kind.toUpperCase(), f.codes ?? []]),
    );
  });
});

describe('Predict', () => {
  it('scores, explains in log-odds and stores a diabetes prediction, echoing the features as received', async () => {
    const { run, audit } = setup();
    const prediction = ok<PredictionData>(
      await run(operations.Predict, { input: { modelId: 'diabetes', features: PIMA_ROW, patientRef: 'MRN-1' } }),
      'predict',
    );
    const card = (await registry.get('diabetes')).card;
    expect(prediction.probability).toBeGreaterThan(0);
    expect(prediction.probability).toBeLessThan(1);
    expect(prediction.positive).toBe(prediction.probability >= card.threshold.value);
    expect(prediction.model).toMatchObject({ id: 'diabetes', threshold: card.threshold.value });
    expect(prediction.features).toEqual(PIMA_ROW);
    expect(prediction.contributions.find((c) => c.name === 'insulin')?.value).toBeNull();
    expectExplained(prediction);
    expect(audit.records.map((r) => r.id)).toEqual([prediction.id]);
    expect(audit.records[0]).toMatchObject({ probability: prediction.probability, patientRef: 'MRN-1' });
  });

  it('accepts heart-failure with exactly age, ejection fraction and serum creatinine', async () => {
    const { run } = setup();
    const prediction = ok<PredictionData>(
      await run(operations.Predict, { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } }),
      'predict',
    );
    expect(prediction.contributions.map((c) => c.name).sort()).toEqual([
      'age',
      'ejection_fraction',
      'serum_creatinine',
    ]);
    expect(prediction.patientRef).toBeNull();
    expectExplained(prediction);
  });

  it('treats an omitted value like null: missing', async () => {
    const { run } = setup();
    const features = PIMA_ROW.map(({ name, value }) => (name === 'insulin' ? { name } : { name, value }));
    const prediction = ok<PredictionData>(
      await run(operations.Predict, { input: { modelId: 'diabetes', features } }),
      'predict',
    );
    expect(prediction.features.find((f) => f.name === 'insulin')).toEqual({ name: 'insulin', value: null });
  });
});

describe('PredictBatch', () => {
  it('scores the rows in order, each explained', async () => {
    const { run, audit } = setup();
    const rows = [
      { features: PIMA_ROW, patientRef: 'A' },
      { features: PIMA_ROW.map((f) => (f.name === 'glucose' ? { ...f, value: 90 } : f)), patientRef: 'B' },
      { features: PIMA_ROW.map((f) => (f.name === 'glucose' ? { ...f, value: 199 } : f)) },
    ];
    const predictions = ok<PredictionData[]>(
      await run(operations.PredictBatch, { input: { modelId: 'diabetes', rows } }),
      'predictBatch',
    );
    expect(predictions.map((p) => p.patientRef)).toEqual(['A', 'B', null]);
    predictions.forEach(expectExplained);
    expect(predictions[1].probability).toBeLessThan(predictions[2].probability);
    expect(audit.records).toHaveLength(3);
  });

  it(`accepts a full batch of ${MAX_BATCH_ROWS} rows within the cost limit`, async () => {
    const { run } = setup();
    const rows = Array.from({ length: MAX_BATCH_ROWS }, () => ({ features: HEART_FAILURE_ROW }));
    const predictions = ok<PredictionData[]>(
      await run(operations.PredictBatch, { input: { modelId: 'heart-failure', rows } }),
      'predictBatch',
    );
    expect(predictions).toHaveLength(MAX_BATCH_ROWS);
  });
});

describe('GetPrediction', () => {
  it('reads a stored prediction back with the request id it was made under, and null for an unknown id', async () => {
    const { run } = setup();
    const made = ok<PredictionData>(
      await run(
        operations.Predict,
        { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } },
        new Map([['x-request-id', 'client-trace-42']]),
      ),
      'predict',
    );
    const read = ok<PredictionData & { requestId: string; modelVersion: string }>(
      await run(operations.GetPrediction, { id: made.id }),
      'prediction',
    );
    expect(read).toMatchObject({
      id: made.id,
      probability: made.probability,
      baseValue: made.baseValue,
      requestId: 'client-trace-42',
    });
    expect(read.contributions).toEqual(made.contributions);
    expect(read.features).toEqual(HEART_FAILURE_ROW);
    expect(read.modelVersion).toBe((await registry.get('heart-failure')).card.version);
    expect(ok(await run(operations.GetPrediction, { id: 'no-such-id' }), 'prediction')).toBeNull();
  });

  it('reads back a record stored before kinds were checked (gender 0.5): a stored answer is history, never re-validated', async () => {
    const { run, audit } = setup();
    const features = [
      { name: 'age', value: 60 },
      { name: 'gender', value: 1 },
      { name: 'iculos', value: 3 },
    ];
    const made = ok<PredictionData>(
      await run(operations.Predict, { input: { modelId: 'sepsis', features } }),
      'predict',
    );
    const [record] = audit.records;
    const old = <F extends { name: string; value: number | null }>(f: F): F =>
      f.name === 'gender' ? { ...f, value: 0.5 } : f;
    audit.records[0] = { ...record, inputs: record.inputs.map(old), contributions: record.contributions.map(old) };
    const read = ok<PredictionData>(await run(operations.GetPrediction, { id: made.id }), 'prediction');
    expect(read.features.find((f) => f.name === 'gender')).toEqual({ name: 'gender', value: 0.5 });
    expect(read.contributions.find((c) => c.name === 'gender')?.value).toBe(0.5);
  });
});

describe('ListPredictions', () => {
  interface Page {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    edges: {
      cursor: string;
      node: { id: string; modelId: string; patientRef: string | null; riskBand: string; createdAt: string };
    }[];
  }

  /** Five stored predictions, one second apart: three diabetes (patients P1, P1, P2), two heart-failure (P3). */
  async function seeded() {
    const context = setup();
    const diabetes = (patientRef: string) => ({ features: PIMA_ROW, patientRef });
    const made = ok<PredictionData[]>(
      await context.run(operations.PredictBatch, {
        input: { modelId: 'diabetes', rows: [diabetes('P1'), diabetes('P1'), diabetes('P2')] },
      }),
      'predictBatch',
    );
    made.push(
      ...ok<PredictionData[]>(
        await context.run(operations.PredictBatch, {
          input: {
            modelId: 'heart-failure',
            rows: [
              { features: HEART_FAILURE_ROW, patientRef: 'P3' },
              { features: HEART_FAILURE_ROW, patientRef: 'P3' },
            ],
          },
        }),
        'predictBatch',
      ),
    );
    const newestFirst = [...made].reverse().map((p) => p.id);
    return { ...context, newestFirst };
  }

  it('pages through every prediction newest first with first/after, pageInfo and totalCount', async () => {
    const { run, newestFirst } = await seeded();
    const seen: string[] = [];
    let after: string | null = null;
    const pages: Page[] = [];
    do {
      const page: Page = ok<Page>(await run(operations.ListPredictions, { first: 2, after }), 'predictions');
      pages.push(page);
      expect(page.totalCount).toBe(5);
      expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor);
      seen.push(...page.edges.map((e) => e.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(pages.map((p) => p.edges.length)).toEqual([2, 2, 1]);
    expect(seen).toEqual(newestFirst);
    // Any edge's cursor continues right after that edge.
    const fromEdge = ok<Page>(
      await run(operations.ListPredictions, { first: 1, after: pages[0].edges[0].cursor }),
      'predictions',
    );
    expect(fromEdge.edges.map((e) => e.node.id)).toEqual([newestFirst[1]]);
  });

  it('uses a page of 20 when first is not given', async () => {
    const { run } = await seeded();
    const page = ok<Page>(await run(operations.ListPredictions, {}), 'predictions');
    expect(page.edges).toHaveLength(5);
    expect(page.pageInfo).toEqual({ hasNextPage: false, endCursor: page.edges[4].cursor });
  });

  it('filters by model, patient, risk band and a half-open time range', async () => {
    const { run, audit } = await seeded();
    const list = async (filter: Record<string, unknown>) =>
      ok<Page>(await run(operations.ListPredictions, { filter }), 'predictions');
    expect((await list({ modelId: 'heart-failure' })).edges.map((e) => e.node.patientRef)).toEqual(['P3', 'P3']);
    expect((await list({ patientRef: 'P1' })).totalCount).toBe(2);
    expect((await list({ modelId: 'diabetes', patientRef: 'P3' })).totalCount).toBe(0);
    const band = audit.records[0].riskBand;
    const inBand = await list({ riskBand: band });
    expect(inBand.totalCount).toBe(audit.records.filter((r) => r.riskBand === band).length);
    expect(inBand.edges.every((e) => e.node.riskBand === band)).toBe(true);
    // Records were stamped one second apart: [1], [2] and [3] fall in [createdAt of 1, createdAt of 4).
    const at = (i: number) => audit.records[i].createdAt.toISOString();
    const window = await list({ from: at(1), to: at(4) });
    expect(window.edges.map((e) => e.node.id)).toEqual([3, 2, 1].map((i) => audit.records[i].id));
    expect(window.edges[0].node.createdAt).toBe(at(3));
  });

  it('refuses a page size outside 1 to 100 and a cursor it did not hand out, naming the argument', async () => {
    const { run } = await seeded();
    for (const first of [0, 101, -1]) {
      const error = onlyError(await run(operations.ListPredictions, { first }));
      expect(error.extensions.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.fields).toEqual([
        { name: 'first', message: `must be an integer from 1 to 100, got ${first}` },
      ]);
    }
    const error = onlyError(await run(operations.ListPredictions, { after: 'bm90LWEtY3Vyc29y' }));
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    expect(error.extensions.fields).toEqual([
      { name: 'after', message: expect.stringContaining('not a valid cursor') },
    ]);
  });
});

describe('input errors: BAD_USER_INPUT naming every offender with its allowed values, nothing stored', () => {
  async function refusal(query: string, variables: Record<string, unknown>) {
    const { run, audit } = setup();
    const reply = await run(query, variables);
    expect(audit.records).toHaveLength(0);
    const error = onlyError(reply);
    expect(error.extensions.code).toBe('BAD_USER_INPUT');
    return error;
  }

  it('an unknown model, listing the known ones', async () => {
    const error = await refusal(operations.Predict, { input: { modelId: 'cancer', features: PIMA_ROW } });
    expect(error.extensions.fields).toEqual([
      { name: 'modelId', message: 'unknown model "cancer"; allowed: diabetes, heart-failure, icu-mortality, sepsis' },
    ]);
    expect(error.path).toEqual(['predict']);
  });

  it('unknown, duplicate and missing required features together', async () => {
    const features = [
      ...HEART_FAILURE_ROW.filter((f) => f.name !== 'serum_creatinine'),
      { name: 'age', value: 80 },
      { name: 'time', value: 30 },
    ];
    const error = await refusal(operations.Predict, { input: { modelId: 'heart-failure', features } });
    expect(error.extensions.fields).toEqual([
      { name: 'age', message: 'given more than once' },
      { name: 'time', message: 'unknown feature; allowed: age, ejection_fraction, serum_creatinine' },
      { name: 'serum_creatinine', message: 'required; give a value from 0.2 to 15 mg/dL' },
    ]);
    expect(error.message).toContain('serum_creatinine');
  });

  it('a required feature sent as null', async () => {
    const features = HEART_FAILURE_ROW.map((f) => (f.name === 'age' ? { name: 'age', value: null } : f));
    const error = await refusal(operations.Predict, { input: { modelId: 'heart-failure', features } });
    expect(error.extensions.fields).toEqual([
      { name: 'age', message: 'required and may not be null; give a value from 18 to 110 years' },
    ]);
  });

  it('a value its kind cannot take: gender 0.5, with the codes and their meaning', async () => {
    const features = [
      { name: 'age', value: 60 },
      { name: 'gender', value: 0.5 },
      { name: 'iculos', value: 3 },
    ];
    const error = await refusal(operations.Predict, { input: { modelId: 'sepsis', features } });
    expect(error.extensions.fields).toEqual([
      { name: 'gender', message: 'must be one of 0 (female), 1 (male); got 0.5' },
    ]);
  });

  it('an out-of-range value, with the range', async () => {
    const features = PIMA_ROW.map((f) => (f.name === 'glucose' ? { ...f, value: 900 } : f));
    const error = await refusal(operations.Predict, { input: { modelId: 'diabetes', features } });
    expect(error.extensions.fields).toEqual([
      { name: 'glucose', message: '900 is outside the allowed range 20 to 600 mg/dL' },
    ]);
  });

  it('a non-finite value (1e400 in the JSON variables) is refused by graphql, named like the service names it', async () => {
    // JSON.parse reads 1e400 as Infinity, which GraphQL's Float cannot represent.
    const { input } = JSON.parse(
      `{"input": {"modelId": "diabetes", "features": [{"name": "age", "value": 50}, {"name": "glucose", "value": 1e400}]}}`,
    );
    const error = await refusal(operations.Predict, { input });
    expect(error.message).toContain('Float cannot represent non numeric value: Infinity');
    expect(error.extensions.fields).toEqual([
      {
        name: 'glucose',
        message: 'Float cannot represent non numeric value: Infinity; must be a finite number from 20 to 600 mg/dL',
      },
    ]);
  });

  it('a non-finite value in a batch names its row', async () => {
    const rows = [
      { features: PIMA_ROW },
      { features: PIMA_ROW.map((f) => (f.name === 'bmi' ? { ...f, value: -Infinity } : f)) },
    ];
    const error = await refusal(operations.PredictBatch, { input: { modelId: 'diabetes', rows } });
    expect(error.extensions.fields).toEqual([
      {
        name: 'rows[1].bmi',
        message: 'Float cannot represent non numeric value: -Infinity; must be a finite number from 10 to 80 kg/m²',
      },
    ]);
  });

  it('offenders in several rows of a batch, each named by its row', async () => {
    const rows = [
      { features: PIMA_ROW.map((f) => (f.name === 'age' ? { ...f, value: 5 } : f)) },
      { features: PIMA_ROW },
      { features: PIMA_ROW.filter((f) => f.name !== 'pregnancies'), patientRef: '' },
    ];
    const error = await refusal(operations.PredictBatch, { input: { modelId: 'diabetes', rows } });
    expect(error.extensions.fields).toEqual([
      { name: 'rows[0].age', message: '5 is outside the allowed range 21 to 100 years' },
      { name: 'rows[2].pregnancies', message: 'required; give a whole number from 0 to 20 count' },
      { name: 'rows[2].patientRef', message: 'must be 1 to 128 characters; got 0' },
    ]);
  });

  it('an empty batch and an oversized one, with the allowed size', async () => {
    const empty = await refusal(operations.PredictBatch, { input: { modelId: 'diabetes', rows: [] } });
    expect(empty.extensions.fields).toEqual([{ name: 'rows', message: 'a batch holds 1 to 1000 rows; got 0' }]);
    const rows = Array.from({ length: MAX_BATCH_ROWS + 1 }, () => ({ features: HEART_FAILURE_ROW }));
    const oversized = await refusal(operations.PredictBatch, { input: { modelId: 'heart-failure', rows } });
    expect(oversized.extensions.fields).toEqual([{ name: 'rows', message: 'a batch holds 1 to 1000 rows; got 1001' }]);
  });

  it('a missing required variable keeps graphql’s message and names the variable', async () => {
    const error = await refusal(operations.Predict, {});
    expect(error.extensions.fields).toEqual([{ name: 'input', message: expect.stringContaining('was not provided') }]);
  });
});

describe('limits', () => {
  /** The reply's one error is a coded 400 refusal before execution, and nothing was logged as unexpected. */
  function expectRefused(reply: Reply, logs: Record<string, unknown>[], code: string, message: RegExp) {
    const error = onlyError(reply);
    expect(error.extensions.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(reply.status).toBe(400);
    expect(reply.data).toBeUndefined();
    expect(logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  }

  it('refuses an operation nested deeper than the depth limit before running it', async () => {
    const { run, logs } = setup();
    const path = (spread: string) =>
      `query Deep { predictions { edges { node { model { metrics { auroc { ${spread} } } } } } } }`;
    const interval = 'fragment I on MetricInterval { ... on MetricInterval { estimate } }';
    // The schema's deepest path (7) through a fragment holding an inline fragment: 10, accepted.
    expect((await run(`${path('...I')} ${interval}`)).errors).toBeUndefined();
    // Through three fragments: 14.
    const chained = `${path('...E')} fragment E on MetricInterval { ...F } fragment F on MetricInterval { ...I } ${interval}`;
    expectRefused(
      await run(chained),
      logs,
      'GRAPHQL_VALIDATION_FAILED',
      new RegExp(`^The operation nests fields 14 levels deep .*; the limit is ${MAX_DEPTH}\\.`),
    );
  });

  it('refuses a chain of 3,000 fragments with a coded 400, where graphql-depth-limit overflowed the stack (500)', async () => {
    const { run, logs } = setup();
    const chain = `{ models { ...F0 } } ${Array.from({ length: 3000 }, (_, i) => `fragment F${i} on RiskModel { ${i < 2999 ? `...F${i + 1}` : 'id'} }`).join(' ')}`;
    expectRefused(await run(chain), logs, 'GRAPHQL_PARSE_FAILED', new RegExp(`more tha[nt] ${MAX_TOKENS} tokens`));
  });

  it('refuses 2,000 aliases (on size) and 16 (on aliases), naming the limit', async () => {
    const { run, logs } = setup();
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `m${i}: models { id }`).join(' ')} }`;
    expectRefused(
      await run(aliased(2000)),
      logs,
      'GRAPHQL_PARSE_FAILED',
      new RegExp(`more tha[nt] ${MAX_TOKENS} tokens`),
    );
    expectRefused(
      await run(aliased(MAX_ALIASES + 1)),
      logs,
      'GRAPHQL_VALIDATION_FAILED',
      new RegExp(`uses ${MAX_ALIASES + 1} aliases; the limit is ${MAX_ALIASES}\\.`),
    );
  });

  it('refuses an operation whose estimated cost exceeds the limit, naming cost and limit', async () => {
    const { run, logs } = setup();
    const costly =
      '{ predictions(first: 100) { edges { node { id model { id name features { name label unit min max } metrics { auroc { estimate lower upper } } } } } } }';
    expectRefused(
      await run(costly),
      logs,
      'GRAPHQL_VALIDATION_FAILED',
      new RegExp(`^The operation's estimated cost is \\d+; the limit is ${MAX_COST}\\.`),
    );
  });

  it('hides field suggestions', async () => {
    const { run } = setup();
    const error = onlyError(await run('{ modelz { id } }'));
    expect(error.message).not.toContain('Did you mean');
  });

  describe(`refuses an operation scoring more than ${MAX_BATCH_ROWS} rows in all, naming the limit, and stores nothing`, () => {
    const row = { features: HEART_FAILURE_ROW };
    const rowsLimit = new RegExp(
      `^The operation would score (\\d+) rows .*; the limit is ${MAX_BATCH_ROWS} rows per request\\.`,
    );

    it('through aliased predicts and batches', async () => {
      const { run, audit, logs } = setup();
      // 1,200 aliased predicts (which stored all 1,200 before) are over the size limit already.
      const predicts = Array.from({ length: 1200 }, (_, i) => `p${i}: predict(input: $one) { id }`).join(' ');
      const one = { modelId: 'heart-failure', features: HEART_FAILURE_ROW };
      expectRefused(
        await run(`mutation Many($one: PredictInput!) { ${predicts} }`, { one }),
        logs,
        'GRAPHQL_PARSE_FAILED',
        /tokens/,
      );
      // 14 aliased batches of 85 rows and a predict: 1,191 rows, each field within every other limit.
      const fields = Array.from({ length: 14 }, (_, i) => `b${i}: predictBatch(input: $batch) { id }`).join(' ');
      const mutation = `mutation Many($batch: PredictBatchInput!, $one: PredictInput!) { ${fields} p: predict(input: $one) { id } }`;
      const reply = await run(mutation, {
        batch: { modelId: 'heart-failure', rows: Array.from({ length: 85 }, () => row) },
        one,
      });
      expectRefused(reply, logs, 'GRAPHQL_VALIDATION_FAILED', rowsLimit);
      expect(onlyError(reply).extensions).toMatchObject({ limit: 'rows', max: MAX_BATCH_ROWS, found: 14 * 85 + 1 });
      expect(audit.records).toHaveLength(0);
    });

    it('through a full batch and one predict beside it', async () => {
      const { run, audit, logs } = setup();
      const mutation =
        'mutation Two($batch: PredictBatchInput!, $one: PredictInput!) { predictBatch(input: $batch) { id } predict(input: $one) { id } }';
      const reply = await run(mutation, {
        batch: { modelId: 'heart-failure', rows: Array.from({ length: MAX_BATCH_ROWS }, () => row) },
        one: { modelId: 'heart-failure', features: HEART_FAILURE_ROW },
      });
      expectRefused(reply, logs, 'GRAPHQL_VALIDATION_FAILED', rowsLimit);
      expect(audit.records).toHaveLength(0);
    });

    it(`and scores ${MAX_BATCH_ROWS} rows spread over aliases`, async () => {
      const { run, audit } = setup();
      const mutation =
        'mutation Two($batch: PredictBatchInput!) { a: predictBatch(input: $batch) { id } b: predictBatch(input: $batch) { id } }';
      const reply = await run(mutation, {
        batch: { modelId: 'heart-failure', rows: Array.from({ length: MAX_BATCH_ROWS / 2 }, () => row) },
      });
      expect(reply.errors).toBeUndefined();
      expect(audit.records).toHaveLength(MAX_BATCH_ROWS);
    });
  });

  it('keeps introspection on, even with NODE_ENV=production (where Apollo would turn it off)', async () => {
    // Next's types declare NODE_ENV read-only; the test sets it the way a deployment would.
    const env = process.env as Record<string, string | undefined>;
    const nodeEnv = env.NODE_ENV;
    env.NODE_ENV = 'production';
    try {
      const { run } = setup();
      const reply = await run('{ __schema { queryType { name } } __type(name: "Prediction") { fields { name } } }');
      expect(reply.data).toMatchObject({ __schema: { queryType: { name: 'Query' } } });
    } finally {
      env.NODE_ENV = nodeEnv;
    }
  });
});

describe('unexpected and infrastructure errors', () => {
  it('masks an unexpected error as INTERNAL_SERVER_ERROR with the request id, and logs the original with it', async () => {
    const failing = new PredictionService(registry, new PagedMemoryAuditLog());
    failing.predict = async () => {
      throw new Error('ECONNRESET at 10.0.0.7: secret internals');
    };
    const { run, logs } = setup({ prediction: failing });
    const reply = await run(
      operations.Predict,
      { input: { modelId: 'diabetes', features: PIMA_ROW } },
      new Map([['x-request-id', 'trace-7']]),
    );
    const error = onlyError(reply);
    expect(error).toMatchObject({
      message: 'Internal server error; request id trace-7',
      path: ['predict'],
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'trace-7' },
    });
    expect(JSON.stringify(reply)).not.toContain('secret');
    const logged = logs.find((l) => l.level === 50);
    expect(logged).toMatchObject({
      requestId: 'trace-7',
      err: { message: 'ECONNRESET at 10.0.0.7: secret internals' },
    });
  });

  it('masks an unexpected error from a read (the audit log throwing a plain Error)', async () => {
    const broken: AuditLog = {
      append: async () => [],
      get: async () => {
        throw new Error('relation "prediction" does not exist');
      },
      list: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
      count: async () => 0,
      stream: async function* () {},
    };
    const { run } = setup({ audit: broken });
    for (const reply of [await run(operations.GetPrediction, { id: 'x' }), await run(operations.ListPredictions, {})]) {
      const error = onlyError(reply);
      expect(error.extensions.code).toBe('INTERNAL_SERVER_ERROR');
      expect(error.message).toBe(`Internal server error; request id ${reply.requestId}`);
    }
  });

  it('reports an unreachable database as SERVICE_UNAVAILABLE (HTTP 503), without its details', async () => {
    const down = new PagedMemoryAuditLog();
    down.append = async () => {
      throw new DatabaseUnavailableError('connect ECONNREFUSED 127.0.0.1:5432');
    };
    const { run } = setup({ audit: down });
    const reply = await run(operations.Predict, { input: { modelId: 'diabetes', features: PIMA_ROW } });
    const error = onlyError(reply);
    expect(error.extensions.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).not.toContain('127.0.0.1');
    expect(reply.status).toBe(503);
  });

  it('gives every error a code, including syntax and validation errors', async () => {
    const { run } = setup();
    expect(onlyError(await run('{ models { id ')).extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(onlyError(await run('{ models { idd } }')).extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(onlyError(await run(operations.ListPredictions, { first: 'ten' })).extensions.code).toBe('BAD_USER_INPUT');
  });
});
