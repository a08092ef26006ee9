/** POST /api/fhir: FHIR R4 batch and transaction Bundles into the monitor (src/ingest/fhir-endpoint.ts); nothing else. */
import pino from 'pino';
import { handleFhirRequest } from '@/ingest/fhir-endpoint';
import { services } from '@/server/service-container';

export const dynamic = 'force-dynamic';

const logger = pino({ name: 'fhir' });

export async function POST(request: Request): Promise<Response> {
  return handleFhirRequest(request, async () => {
    const { keys, monitor } = await services();
    return { keys, monitor, logger };
  });
}
