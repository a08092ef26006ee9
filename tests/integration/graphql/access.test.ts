/**
 * Who may do what through GraphQL: public model metadata, predictions for clinicians and admins, records scoped by
 * role, keys managed by admins, and every refusal coded.
 */
import { DatabaseUnavailableError } from '@/db/database';
import { ModelRegistry } from '@/inference/model-registry';
import { operations, startTestServer, type Reply } from '../../support/graphql-server';
import { MemoryApiKeyStore } from '../../support/memory-api-keys';
import { PagedMemoryAuditLog } from '../../support/paged-memory-audit-log';
import { HEART_FAILURE_ROW } from '../../support/requests';

const registry = new ModelRegistry('models');
afterAll(() => registry.close());

async function setup() {
  const keys = new MemoryApiKeyStore();
  const audit = new PagedMemoryAuditLog();
  const server = startTestServer({ registry, audit, keys });
  const [ward7, ward9, auditor] = [
    await keys.bearer('clinician', 'Ward 7'),
    await keys.bearer('clinician', 'Ward 9'),
    await keys.bearer('auditor'),
  ];
  const predictAs = async (who: { authorization: string }, patientRef: string) =>
    server.run(
      operations.Predict,
      { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW, patientRef } },
      who,
    );
  return { ...server, audit, keys, ward7, ward9, auditor, predictAs };
}

function codeOf(reply: Reply): unknown {
  expect(reply.errors).toHaveLength(1);
  return reply.errors?.[0].extensions?.code;
}

const LIST = 'query { predictions(first: 100) { totalCount edges { node { id patientRef requester } } } }';
type Listed = {
  predictions: { totalCount: number; edges: { node: { id: string; patientRef: string; requester: string } }[] };
};

describe('without a key', () => {
  it('serves the model metadata', async () => {
    const { run } = await setup();
    const reply = await run(operations.ListModels, {}, { authorization: null });
    expect(reply.errors).toBeUndefined();
    expect((reply.data as { models: unknown[] }).models).toHaveLength(4);
  });

  it.each([
    ['predict', operations.Predict, { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } }],
    [
      'predictBatch',
      operations.PredictBatch,
      { input: { modelId: 'heart-failure', rows: [{ features: HEART_FAILURE_ROW }] } },
    ],
    ['predictions', LIST, {}],
    ['prediction', 'query { prediction(id: "00000000-0000-4000-8000-000000000000") { id } }', {}],
    ['apiKeys', 'query { apiKeys { id } }', {}],
  ])('refuses %s with UNAUTHENTICATED (401), storing nothing', async (_name, query, variables) => {
    const { run, audit } = await setup();
    const reply = await run(query, variables, { authorization: null });
    expect(codeOf(reply)).toBe('UNAUTHENTICATED');
    expect(reply.status).toBe(401);
    expect(reply.errors?.[0].message).toBe(
      'Unauthenticated: an API key is required: send it as "Authorization: Bearer <key>"',
    );
    expect(audit.records).toHaveLength(0);
  });
});

describe('with credentials that are not a live key', () => {
  it.each([
    ['an unknown key', `Bearer crc_${'x'.repeat(43)}`, 'the API key is not valid: unknown or revoked'],
    ['a malformed key', 'Bearer hello', 'the API key is not valid: unknown or revoked'],
    ['another scheme', 'Basic dXNlcjpwYXNz', 'the Authorization header must read "Bearer <key>"'],
    ['an empty header', '', 'the Authorization header must read "Bearer <key>"'],
  ])('refuses %s for every field, public ones included', async (_label, authorization, message) => {
    const { run } = await setup();
    const reply = await run(operations.ListModels, {}, { authorization });
    expect(codeOf(reply)).toBe('UNAUTHENTICATED');
    expect(reply.errors?.[0].message).toBe(`Unauthenticated: ${message}`);
    expect(reply.status).toBe(401);
    expect(reply.data).toBeUndefined();
  });

  it('refuses a key once it is revoked', async () => {
    const { run, keys, ward7, predictAs } = await setup();
    expect((await predictAs(ward7, 'MRN-1')).errors).toBeUndefined();
    await keys.revoke(ward7.keyId);
    expect(codeOf(await run(operations.ListModels, {}, ward7))).toBe('UNAUTHENTICATED');
  });

  it('answers SERVICE_UNAVAILABLE (503) when the database cannot check the key', async () => {
    const { run, keys, ward7 } = await setup();
    keys.authenticate = async () => {
      throw new DatabaseUnavailableError('connection refused');
    };
    const reply = await run(operations.ListModels, {}, ward7);
    expect(codeOf(reply)).toBe('SERVICE_UNAVAILABLE');
    expect(reply.status).toBe(503);
  });
});

describe('a clinician key', () => {
  it('predicts, and the audit record names the key as its requester', async () => {
    const { ward7, predictAs, audit } = await setup();
    const reply = await predictAs(ward7, 'MRN-1');
    expect(reply.errors).toBeUndefined();
    expect(audit.records).toHaveLength(1);
    expect(audit.records[0].requester).toBe(ward7.keyId);
  });

  it('reads back only the records it asked for: others are absent from lists and read as null by id', async () => {
    const { run, ward7, ward9, predictAs } = await setup();
    const mine = (await predictAs(ward7, 'MRN-7')).data as { predict: { id: string } };
    const theirs = (await predictAs(ward9, 'MRN-9')).data as { predict: { id: string } };
    const listed = (await run(LIST, {}, ward7)).data as Listed;
    expect(listed.predictions.totalCount).toBe(1);
    expect(listed.predictions.edges.map((e) => e.node)).toEqual([
      { id: mine.predict.id, patientRef: 'MRN-7', requester: ward7.keyId },
    ]);
    const byId = await run(operations.GetPrediction, { id: theirs.predict.id }, ward7);
    expect(byId.errors).toBeUndefined();
    expect(byId.data).toEqual({ prediction: null });
    const ownById = (await run(operations.GetPrediction, { id: mine.predict.id }, ward7)).data as {
      prediction: { id: string };
    };
    expect(ownById.prediction.id).toBe(mine.predict.id);
    // Even filtering for the other patient finds nothing.
    const filtered = (await run('query { predictions(filter: { patientRef: "MRN-9" }) { totalCount } }', {}, ward7))
      .data as Listed;
    expect(filtered.predictions.totalCount).toBe(0);
  });

  it("is refused asking for another key's records by requester, and may name its own", async () => {
    const { run, ward7, ward9, predictAs } = await setup();
    await predictAs(ward7, 'MRN-7');
    const other = await run(`query { predictions(filter: { requester: "${ward9.keyId}" }) { totalCount } }`, {}, ward7);
    expect(codeOf(other)).toBe('FORBIDDEN');
    expect(other.errors?.[0].message).toBe(
      "Forbidden: the clinician role may not read other keys' prediction records; roles that may: auditor, admin",
    );
    const own = (await run(`query { predictions(filter: { requester: "${ward7.keyId}" }) { totalCount } }`, {}, ward7))
      .data as Listed;
    expect(own.predictions.totalCount).toBe(1);
  });

  it('may not manage keys (FORBIDDEN, 403)', async () => {
    const { run, ward7, keys } = await setup();
    const before = await keys.count();
    const reply = await run('mutation { createApiKey(input: { name: "mine", role: admin }) { key } }', {}, ward7);
    expect(codeOf(reply)).toBe('FORBIDDEN');
    expect(reply.errors?.[0].message).toBe(
      'Forbidden: the clinician role may not manage API keys; roles that may: admin',
    );
    expect(reply.status).toBe(403);
    expect(await keys.count()).toBe(before);
  });
});

describe('an auditor key', () => {
  it('reads every record, whoever asked for it, and can narrow them to one key', async () => {
    const { run, ward7, ward9, auditor, predictAs } = await setup();
    await predictAs(ward7, 'MRN-7');
    await predictAs(ward9, 'MRN-9');
    const listed = (await run(LIST, {}, auditor)).data as Listed;
    expect(listed.predictions.edges.map((e) => e.node.requester).sort()).toEqual([ward7.keyId, ward9.keyId].sort());
    const narrowed = (
      await run(
        `query { predictions(filter: { requester: "${ward9.keyId}" }) { edges { node { patientRef } } } }`,
        {},
        auditor,
      )
    ).data as Listed;
    expect(narrowed.predictions.edges.map((e) => e.node.patientRef)).toEqual(['MRN-9']);
  });

  it.each([
    ['predict', operations.Predict, { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } }],
    [
      'predictBatch',
      operations.PredictBatch,
      { input: { modelId: 'heart-failure', rows: [{ features: HEART_FAILURE_ROW }] } },
    ],
  ])('may not %s (FORBIDDEN, 403), and nothing is stored', async (_name, query, variables) => {
    const { run, auditor, audit } = await setup();
    const reply = await run(query, variables, auditor);
    expect(codeOf(reply)).toBe('FORBIDDEN');
    expect(reply.errors?.[0].message).toBe(
      'Forbidden: the auditor role may not make predictions; roles that may: clinician, admin',
    );
    expect(reply.status).toBe(403);
    expect(audit.records).toHaveLength(0);
  });
});

describe('an admin key', () => {
  it('makes a key that works at once, lists it without its secret, and revokes it', async () => {
    const { run } = await setup();
    const made = await run(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id name role prefix createdBy revokedAt } } }',
      {
        input: { name: 'Ward 12', role: 'clinician' },
      },
    );
    expect(made.errors).toBeUndefined();
    const { key, apiKey } = (
      made.data as {
        createApiKey: {
          key: string;
          apiKey: { id: string; name: string; role: string; prefix: string; createdBy: string; revokedAt: null };
        };
      }
    ).createApiKey;
    expect(key).toMatch(/^crc_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'Ward 12', role: 'clinician', prefix: key.slice(0, 12), revokedAt: null });
    expect(apiKey.createdBy).toMatch(/^[0-9a-f-]{36}$/);

    const asNew = { authorization: `Bearer ${key}` };
    expect(
      (await run(operations.Predict, { input: { modelId: 'heart-failure', features: HEART_FAILURE_ROW } }, asNew))
        .errors,
    ).toBeUndefined();

    const listed = await run('query { apiKeys { id name prefix } }');
    expect(JSON.stringify(listed.data)).not.toContain(key);
    expect((listed.data as { apiKeys: { id: string }[] }).apiKeys.map((k) => k.id)).toContain(apiKey.id);

    const revoked = await run('mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }', { id: apiKey.id });
    expect((revoked.data as { revokeApiKey: { revokedAt: string } }).revokeApiKey.revokedAt).toEqual(
      expect.any(String),
    );
    expect(codeOf(await run(operations.ListModels, {}, asNew))).toBe('UNAUTHENTICATED');
  });

  it('refuses a key without a usable name, naming the field', async () => {
    const { run } = await setup();
    const reply = await run('mutation { createApiKey(input: { name: "  ", role: auditor }) { key } }');
    expect(codeOf(reply)).toBe('BAD_USER_INPUT');
    expect(reply.errors?.[0].extensions?.fields).toEqual([{ name: 'name', message: 'must be 1 to 100 characters' }]);
  });

  it('answers null for revoking a key that does not exist', async () => {
    const { run } = await setup();
    const reply = await run('mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }');
    expect(reply.errors).toBeUndefined();
    expect(reply.data).toEqual({ revokeApiKey: null });
  });
});
