/**
 * GraphQL subscriptions over Server-Sent Events (graphql-sse's fetch handler) on the same schema, bearer-key
 * authentication and error mapping as /api/graphql (and the dashboard's session cookie, for the ward board in a
 * browser); queries and mutations stay there.
 */
import { GraphQLError, getOperationAST, parse, specifiedRules, subscribe, validate, type DocumentNode } from 'graphql';
import type { ExecutionResult, OperationArgs } from 'graphql-sse';
import { createHandler } from 'graphql-sse/lib/use/fetch';
import type { Logger } from 'pino';
import { CodedError } from '@/errors/coded-error';
import { LiveEventsInterruptedError, SubscriberTooSlowError } from '@/monitoring/live-events';
import { createContext, type GraphQLContext, type GraphQLServices } from './context';
import { classifyError, mapError, type ErrorKind } from './error-mapping';
import { operationLimits } from './limits';
import { LiveEventsUnavailableError } from './live-events.resolver';
import { buildGraphQLSchema } from './schema';
import { lazyRouteHandler } from './next-route-handler';

type Handler = (request: Request) => Promise<Response>;
// graphql-sse types its context as a record; ours is an interface, the same object at run time.
type SseContext = GraphQLContext & Record<PropertyKey, unknown>;

/** Errors of the live events themselves, which say what the client should do (subscribe again): passed through. */
const LIVE_ERRORS = [SubscriberTooSlowError, LiveEventsInterruptedError, LiveEventsUnavailableError];

function refusal(
  status: number,
  code: string,
  message: string,
): readonly [string, { status: number; statusText: string; headers: Record<string, string> }] {
  return [
    JSON.stringify({ errors: [{ message, extensions: { code } }] }),
    {
      status,
      statusText: status === 400 ? 'Bad Request' : 'Error',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    },
  ];
}

/** The error as the client sees it: Apollo's mapping (error-mapping.ts), with the live events' own codes kept. */
async function formatError(error: GraphQLError, context: GraphQLContext): Promise<Record<string, unknown>> {
  const { requestId } = context;
  const formatted = error.toJSON();
  const original = error.originalError;
  if (!original) {
    // Parse, validation and variable errors from graphql itself describe what the client sent.
    return { ...formatted, extensions: { ...formatted.extensions, requestId } };
  }
  if (LIVE_ERRORS.some((type) => original instanceof type)) {
    const code = (original as CodedError).code;
    return { message: original.message, path: formatted.path, extensions: { code, requestId } };
  }
  const kind: ErrorKind = classifyError(error, formatted.extensions?.code);
  if (kind.kind === 'unexpected')
    context.logger.error(
      { err: kind.cause, path: formatted.path },
      'unexpected error in a GraphQL subscription (masked)',
    );
  else if (kind.kind === 'unavailable')
    context.logger.warn({ err: kind.cause, path: formatted.path }, 'audit database unavailable');
  const mapped = await mapError(formatted, kind, {
    requestId,
    variables: {},
    featureSpecs: async () => new Map(),
  });
  return { ...mapped };
}

/**
 * Results handed to graphql-sse and results the client's connection has taken, for one stream. graphql-sse queues
 * every result it is handed without bound, whether or not the client reads: this is how a slow client is noticed.
 */
interface Flow {
  handedOut: number;
  delivered: number;
}
const FLOW = Symbol('flow');
const flows = new WeakMap<Request, Flow>();

/**
 * The subscription's results, ending with one result carrying the error when the event stream fails (a slow
 * subscriber, a lost listener), so the client reads a coded error instead of a dropped connection; and ending with
 * SubscriberTooSlowError when the client has left more than `maxUnread` results unread. Not an async generator: a
 * generator waiting for the next event queues `return()` behind it, so a client hanging up would stay subscribed
 * until the next event; this passes `return()` straight through.
 */
function endingWithError(
  results: AsyncIterator<ExecutionResult>,
  flow: Flow,
  maxUnread: number,
): AsyncGenerator<ExecutionResult> {
  let finished = false;
  const finish = async (): Promise<IteratorResult<ExecutionResult>> => {
    finished = true;
    await results.return?.();
    return { value: undefined, done: true };
  };
  const iterator: AsyncGenerator<ExecutionResult> = {
    async next() {
      if (finished) return { value: undefined, done: true };
      try {
        const result = await results.next();
        if (result.done) finished = true;
        else if (++flow.handedOut - flow.delivered > maxUnread) {
          await finish();
          return { value: { errors: [asGraphQLError(new SubscriberTooSlowError(maxUnread))] }, done: false };
        }
        return result;
      } catch (error) {
        finished = true;
        return { value: { errors: [asGraphQLError(error)] }, done: false };
      }
    },
    return: finish,
    throw: finish,
    [Symbol.asyncIterator]: () => iterator,
    [Symbol.asyncDispose]: async () => void (await finish()),
  };
  return iterator;
}

function asGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError) return error;
  const original = error instanceof Error ? error : new Error(String(error));
  return new GraphQLError(original.message, { originalError: original });
}

/**
 * The handler for GET and POST with `Accept: text/event-stream`. Distinct connections only (one stream per
 * subscription, graphql-sse's "distinct connections mode"): the "single connection mode" keeps reserved streams in one
 * process's memory, which a second process behind the load balancer would not find. Only subscriptions: a query or
 * mutation is refused (400) and belongs at /api/graphql, where Apollo's plugins (limits, request log) apply.
 */
export interface SseHandlerOptions {
  /** Results a client may leave unread before its subscription ends with SubscriberTooSlowError. */
  maxUnread?: number;
}

const DEFAULT_MAX_UNREAD = 256;
const NEXT_EVENT = new TextEncoder().encode('event: next');

function isNextEvent(chunk: Uint8Array): boolean {
  return chunk.length >= NEXT_EVENT.length && NEXT_EVENT.every((byte, i) => chunk[i] === byte);
}

export function createSseHandler(services: GraphQLServices, options: SseHandlerOptions = {}): Handler {
  const maxUnread = options.maxUnread ?? DEFAULT_MAX_UNREAD;
  const schema = buildGraphQLSchema();
  const rules = [...specifiedRules, ...operationLimits.validationRules];
  const handle = createHandler<SseContext>({
    schema,
    authenticate: () => null,
    validate: (s, document) => validate(s, document, rules),
    async onSubscribe(request, params) {
      let document: DocumentNode;
      try {
        document = parse(params.query, operationLimits.parseOptions);
      } catch (error) {
        return refusal(400, 'GRAPHQL_PARSE_FAILED', (error as Error).message);
      }
      const operation = getOperationAST(document, params.operationName);
      if (operation && operation.operation !== 'subscription')
        return refusal(
          400,
          'BAD_REQUEST',
          `only subscriptions are served here; send the ${operation.operation} to /api/graphql`,
        );
      const contextValue = (await createContext(services, request.headers, { sessionCookie: true })) as SseContext;
      contextValue[FLOW] = flows.get(request.raw);
      return {
        schema,
        document,
        operationName: params.operationName,
        variableValues: params.variables,
        contextValue,
      } as OperationArgs<SseContext>;
    },
    async subscribe(args): Promise<ExecutionResult | AsyncIterable<ExecutionResult>> {
      // As on /api/graphql (credentialsPlugin): a request whose key was refused gets nothing, public fields included.
      const refused = args.contextValue.credentialsRefused;
      if (refused) return { errors: [asGraphQLError(refused)] };
      const result = await subscribe(args);
      if (!(Symbol.asyncIterator in result)) return result;
      const flow = (args.contextValue[FLOW] as Flow | undefined) ?? { handedOut: 0, delivered: 0 };
      return endingWithError(result as AsyncIterator<ExecutionResult>, flow, maxUnread);
    },
    async onNext(context, _request, result) {
      if (!result.errors?.length) return;
      const errors = await Promise.all(result.errors.map((error) => formatError(error, context)));
      // graphql-sse serializes the result as JSON: formatted errors are what a GraphQLError's JSON would be.
      return { ...result, errors: errors as unknown as GraphQLError[] };
    },
  });
  return async (request) => {
    const flow: Flow = { handedOut: 0, delivered: 0 };
    flows.set(request, flow);
    const response = await handle(request);
    if (!response.body || !response.headers.get('content-type')?.startsWith('text/event-stream')) return response;
    // Counts the results the client's connection takes (the stream is pulled as the socket drains).
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          if (isNextEvent(chunk)) flow.delivered += 1;
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * A Next.js route handler; `graphqlServices` is called on the first request (Next imports route modules while
 * building), and a failed build is retried on the next one.
 */
export function sseRouteHandler(graphqlServices: () => Promise<GraphQLServices>, logger: Logger): Handler {
  return lazyRouteHandler(() => graphqlServices().then((built) => createSseHandler(built)), logger);
}
