/**
 * Server-action POSTs screened before Next.js handles them (src/proxy.ts): Next refuses a foreign
 * Origin and fails on an unparseable form body too, but answers both with 500 and logs an error, so
 * a forged or broken request looks like a fault of ours. These checks answer 403 and 400 instead.
 */
import { CodedError } from '@/errors/coded-error';

/**
 * Next.js's default `serverActions.bodySizeLimit`: a larger body is refused by Next itself (413),
 * so it is not worth parsing here.
 */
export const ACTION_BODY_LIMIT = 1024 * 1024;

/** An action POST whose Origin is not the site it was sent to: what a cross-site forgery looks like. */
export class ForeignActionOriginError extends CodedError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
  constructor(reason: string) {
    super(`server action refused: ${reason}`);
  }
}

/** An action POST whose body cannot be read as the form its content type says it is. */
export class MalformedActionBodyError extends CodedError {
  readonly code = 'BAD_REQUEST';
  readonly status = 400;
  constructor(reason: string) {
    super(`server action refused: ${reason}`);
  }
}

export type ActionRequestError = ForeignActionOriginError | MalformedActionBodyError;

const MULTIPART = 'multipart/form-data';

/**
 * Whether Next.js may treat the request as a server action: a POST with a `next-action` header (from
 * the client router) or with a multipart body (a form posted without JavaScript). The same test as
 * Next's getServerActionRequestMetadata, case-sensitive as there; url-encoded POSTs are left out
 * because Next never runs them as actions.
 */
export function isPossibleServerAction(method: string, headers: Headers): boolean {
  return (
    method === 'POST' &&
    (headers.get('next-action') !== null || (headers.get('content-type') ?? '').startsWith(MULTIPART))
  );
}

/**
 * The refusal Next.js's own CSRF check would reach, or undefined: the Origin's host must equal the
 * first X-Forwarded-Host, else the Host header. No Origin passes (Next lets it through too: browsers
 * send one with every POST, so only hand-made requests lack it, and they carry no one else's cookie).
 * Next's `serverActions.allowedOrigins` would widen this; next.config.js sets none (a test pins it).
 */
export function foreignOrigin(headers: Headers): ForeignActionOriginError | undefined {
  const origin = headers.get('origin');
  if (origin === null) return undefined;
  let originHost: string;
  try {
    // A sandboxed frame or a privacy-sensitive redirect sends "null": never this site.
    originHost = origin === 'null' ? 'null' : new URL(origin).host;
  } catch {
    return new ForeignActionOriginError('the Origin header is not a URL');
  }
  const host = headers.get('x-forwarded-host')?.split(',')[0].trim() || headers.get('host');
  if (!host) return new ForeignActionOriginError('the request names no Host to compare its Origin with');
  if (originHost !== host)
    return new ForeignActionOriginError(`its Origin (${clip(originHost)}) is not this site (${clip(host)})`);
  return undefined;
}

/** A multipart content type without a boundary cannot be split into fields, whatever its body. */
export function malformedContentType(contentType: string | null): MalformedActionBodyError | undefined {
  if (!contentType?.startsWith(MULTIPART)) return undefined;
  const boundary = /;\s*boundary=("[^"]+"|[^;\s]+)/i.exec(contentType);
  return boundary ? undefined : new MalformedActionBodyError('a multipart/form-data body needs a boundary parameter');
}

/**
 * The reason to refuse a possible server action before Next.js reads it, or undefined to let it
 * through. A multipart body is parsed from a clone (Next buffers the body for the proxy, so its own
 * read is unaffected); larger than Next's limit, it is left to Next's 413. Other bodies (the client
 * router's text/plain arguments) are Next's and React's to decode.
 */
export async function actionRequestError(request: Request): Promise<ActionRequestError | undefined> {
  if (!isPossibleServerAction(request.method, request.headers)) return undefined;
  const foreign = foreignOrigin(request.headers);
  if (foreign) return foreign;
  const contentType = request.headers.get('content-type');
  const badType = malformedContentType(contentType);
  if (badType) return badType;
  if (!contentType?.startsWith(MULTIPART) || Number(request.headers.get('content-length')) > ACTION_BODY_LIMIT)
    return undefined;
  try {
    await request.clone().formData();
  } catch {
    return new MalformedActionBodyError('the body is not valid multipart/form-data');
  }
  return undefined;
}

/** The answer to a refused action POST: its status and a line naming the code and the reason. */
export function actionRefusal(error: ActionRequestError): Response {
  return new Response(`${error.code}: ${error.message}\n`, {
    status: error.status,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
  });
}

/** Header values are the sender's: only so much of one goes into an answer. */
function clip(value: string): string {
  return value.length > 100 ? `${value.slice(0, 100)}…` : value;
}
