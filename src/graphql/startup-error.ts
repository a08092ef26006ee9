/**
 * The GraphQL response when the server itself cannot be built (database unreachable, models not loadable): a coded
 * error, never an HTML page.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '@/db/database';
import { SERVICE_UNAVAILABLE } from './error-mapping';

export function startupErrorResponse(error: unknown, logger: Logger): Response {
  const requestId = randomUUID();
  if (isDatabaseUnavailable(error)) {
    return Response.json(
      {
        errors: [
          {
            message: 'The audit database is unavailable; nothing was predicted or stored. Try again shortly.',
            extensions: { code: SERVICE_UNAVAILABLE, requestId },
          },
        ],
      },
      { status: 503 },
    );
  }
  logger.error({ err: error, requestId }, 'the GraphQL server could not be built');
  return Response.json(
    {
      errors: [
        {
          message: `Internal server error; request id ${requestId}`,
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        },
      ],
    },
    { status: 500 },
  );
}
