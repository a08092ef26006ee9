/**
 * Refuses a POST body Apollo should never see: too large, not JSON by its content type, or not parseable; each answered
 * with a coded 4xx.
 */

/** Largest request body accepted: a 1,000-row sepsis batch (43 values a row) is about 1.5 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

function refusal(status: number, code: string, message: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}

/** null when the body may go to Apollo, else the response to send instead. */
export async function refuseBody(request: Request): Promise<Response | null> {
  if (request.method !== 'POST') return null;
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES)
    return refusal(413, 'PAYLOAD_TOO_LARGE', `the request body is over the ${MAX_BODY_BYTES}-byte limit`);
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/(graphql-response\+)?json\b/i.test(type)) {
    return refusal(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `send the operation as application/json; got ${type || 'no content type'}`,
    );
  }
  const body = await request.clone().arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES)
    return refusal(413, 'PAYLOAD_TOO_LARGE', `the request body is over the ${MAX_BODY_BYTES}-byte limit`);
  try {
    JSON.parse(new TextDecoder().decode(body));
  } catch (error) {
    return refusal(400, 'BAD_REQUEST', `the request body is not valid JSON: ${(error as Error).message}`);
  }
  return null;
}
