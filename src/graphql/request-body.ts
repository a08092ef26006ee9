/**
 * Refuses a POST body Apollo should never see: too large, not JSON by its content type, or not parseable; each answered
 * with a coded 4xx. The checks are the same whichever server reads the body (a Fetch Request under Next.js, node:http
 * under the custom server, src/graphql/http-handler.ts).
 */

/** Largest request body accepted: a 1,000-row sepsis batch (43 values a row) is about 1.5 MB. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Why a body is refused, as the client receives it: an HTTP status and a coded GraphQL error. */
export interface BodyRefusal {
  status: 400 | 413 | 415;
  code: 'BAD_REQUEST' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE';
  message: string;
}

const TOO_LARGE: BodyRefusal = {
  status: 413,
  code: 'PAYLOAD_TOO_LARGE',
  message: `the request body is over the ${MAX_BODY_BYTES}-byte limit`,
};

const JSON_CONTENT_TYPE = /^application\/(graphql-response\+)?json\b/i;

/**
 * The refusal the request's headers already settle (a declared length over the limit, a content type that is not
 * JSON), or null. Only POST bodies are checked: a GET carries its operation in the query string.
 */
export function refusalByHeaders(
  method: string,
  contentLength: string | null | undefined,
  contentType: string | null | undefined,
): BodyRefusal | null {
  if (method !== 'POST') return null;
  if (Number(contentLength ?? '0') > MAX_BODY_BYTES) return TOO_LARGE;
  const type = contentType ?? '';
  if (!JSON_CONTENT_TYPE.test(type))
    return {
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: `send the operation as application/json; got ${type || 'no content type'}`,
    };
  return null;
}

/** A body whose bytes ran past MAX_BODY_BYTES while it was read. */
export const tooLarge = (): BodyRefusal => TOO_LARGE;

/** The body parsed as JSON, or the refusal of its bytes (over the limit, not JSON). */
export function parseBody(bytes: Uint8Array): { body: unknown } | { refusal: BodyRefusal } {
  if (bytes.byteLength > MAX_BODY_BYTES) return { refusal: TOO_LARGE };
  try {
    return { body: JSON.parse(new TextDecoder().decode(bytes)) };
  } catch (error) {
    return {
      refusal: {
        status: 400,
        code: 'BAD_REQUEST',
        message: `the request body is not valid JSON: ${(error as Error).message}`,
      },
    };
  }
}

/** The refusal as the JSON body a GraphQL client reads. */
export function refusalBody(refusal: BodyRefusal): string {
  return JSON.stringify({ errors: [{ message: refusal.message, extensions: { code: refusal.code } }] });
}

function refusalResponse(refusal: BodyRefusal): Response {
  return new Response(refusalBody(refusal), {
    status: refusal.status,
    headers: { 'content-type': 'application/json' },
  });
}

/** null when the body may go to Apollo, else the response to send instead. */
export async function refuseBody(request: Request): Promise<Response | null> {
  const byHeaders = refusalByHeaders(
    request.method,
    request.headers.get('content-length'),
    request.headers.get('content-type'),
  );
  if (byHeaders) return refusalResponse(byHeaders);
  if (request.method !== 'POST') return null;
  // A clone: the handler behind reads the body again. A chunked body declares no length, so the limit is kept while
  // reading, and past it nothing more is read.
  const bytes = request.body ? await readCapped(request.clone().body!, MAX_BODY_BYTES) : new Uint8Array();
  const parsed = bytes ? parseBody(bytes) : { refusal: TOO_LARGE };
  return 'refusal' in parsed ? refusalResponse(parsed.refusal) : null;
}

/** The stream's bytes, or null as soon as they run past `maxBytes` (the stream is then cancelled, read no further). */
export async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: a cloned body's branch settles its cancel only once the other branch is cancelled too.
      reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}
