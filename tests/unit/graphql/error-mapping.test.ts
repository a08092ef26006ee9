/**
 * The error mapping: each kind of error becomes one stable code, user errors name their fields, and nothing unexpected
 * leaks.
 */
import { GraphQLError, parse } from 'graphql';
import { InvalidCursorError, InvalidPageRequestError } from '@/audit/audit-pages';
import { DatabaseUnavailableError } from '@/db/database';
import { classifyError, mapError, type MappingContext } from '@/graphql/error-mapping';
import { InvalidInputError } from '@/errors/invalid-input';
import { AlertStateError, UnknownAlertError } from '@/monitoring/alerts';
import { UnknownStayError } from '@/monitoring/monitor-service';
import { InvalidStayCursorError } from '@/monitoring/stay-views';

/** A resolver's error as Apollo hands it over: wrapped, with the field's path. */
const fromResolver = (original: Error) =>
  new GraphQLError(original.message, { path: ['predict'], originalError: original });

const context: MappingContext = { requestId: 'req-1', variables: {}, featureSpecs: async () => new Map() };
const formatted = (error: GraphQLError, code = 'INTERNAL_SERVER_ERROR') => ({
  ...error.toJSON(),
  extensions: { ...error.extensions, code },
});

async function mapped(error: GraphQLError, code?: string) {
  const format = formatted(error, code);
  return mapError(format, classifyError(error, format.extensions.code), context);
}

it("keeps the service's message and lists its fields for invalid input", async () => {
  const error = new InvalidInputError([
    { name: 'glucose', message: '900 is outside the allowed range 20 to 600 mg/dL' },
  ]);
  expect(await mapped(fromResolver(error))).toEqual({
    message: error.message,
    path: ['predict'],
    locations: undefined,
    extensions: { code: 'BAD_USER_INPUT', fields: error.fields, requestId: 'req-1' },
  });
});

it("names the audit log's page arguments", async () => {
  const cursor = await mapped(fromResolver(new InvalidCursorError('zz')));
  expect(cursor.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ name: 'after', message: expect.stringContaining('not a valid cursor') }],
  });
  const first = await mapped(
    fromResolver(new InvalidPageRequestError('first: must be an integer from 1 to 100, got 0')),
  );
  expect(first.extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ name: 'first', message: 'must be an integer from 1 to 100, got 0' }],
  });
});

it("gives the monitor's refusals their own codes, naming the argument", async () => {
  const alertId = '00000000-0000-4000-8000-000000000000';
  expect((await mapped(fromResolver(new UnknownAlertError(alertId)))).extensions).toEqual({
    code: 'ALERT_NOT_FOUND',
    fields: [{ name: 'alertId', message: `no alert ${alertId}` }],
    requestId: 'req-1',
  });
  const notAdmitted = [{ name: 'observations[0].stayRef', message: 'stay enc-9 is not admitted' }];
  expect((await mapped(fromResolver(new UnknownStayError(notAdmitted)))).extensions).toMatchObject({
    code: 'STAY_NOT_FOUND',
    fields: notAdmitted,
  });
  const conflict = await mapped(fromResolver(new AlertStateError(alertId, 'resolved', 'acknowledged', ['open'])));
  expect(conflict).toMatchObject({
    message: `alert ${alertId} is resolved: only an alert that is open can be acknowledged`,
    extensions: { code: 'ALERT_STATE_CONFLICT', fields: [{ name: 'alertId' }] },
  });
  expect((await mapped(fromResolver(new InvalidStayCursorError()))).extensions).toMatchObject({
    code: 'BAD_USER_INPUT',
    fields: [{ name: 'after', message: expect.stringContaining('not a valid cursor') }],
  });
});

it('reports an unreachable database as SERVICE_UNAVAILABLE without its connection details', async () => {
  const result = await mapped(fromResolver(new DatabaseUnavailableError('connect ECONNREFUSED 10.1.2.3:5432')));
  expect(result.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', requestId: 'req-1' });
  expect(result.message).not.toContain('10.1.2.3');
});

it('masks anything unexpected, a GraphQLError without a code included', async () => {
  for (const error of [
    fromResolver(new Error('password=hunter2')),
    new GraphQLError('Float cannot represent non numeric value: NaN', { path: ['x'] }),
  ]) {
    const result = await mapped(error);
    expect(result).toMatchObject({
      message: 'Internal server error; request id req-1',
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-1' },
    });
    expect(JSON.stringify(result)).not.toMatch(/hunter2|Float/);
  }
});

it("keeps Apollo's codes and messages for errors about the request itself", async () => {
  const validation = new GraphQLError('Cannot query field "idd" on type "RiskModel".', {
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
  });
  expect(await mapped(validation, 'GRAPHQL_VALIDATION_FAILED')).toMatchObject({
    message: validation.message,
    extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: 'req-1' },
  });
});

it('adds the offending variable to a variable-coercion error', async () => {
  const [definition] = parse('query Q($first: Int) { models { id } }').definitions;
  const node = definition.kind === 'OperationDefinition' ? definition.variableDefinitions?.[0] : undefined;
  const error = new GraphQLError(
    'Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"',
    { nodes: node },
  );
  expect((await mapped(error, 'BAD_USER_INPUT')).extensions).toEqual({
    code: 'BAD_USER_INPUT',
    fields: [
      {
        name: 'first',
        message: 'Variable "$first" got invalid value "ten"; Int cannot represent non-integer value: "ten"',
      },
    ],
    requestId: 'req-1',
  });
});
