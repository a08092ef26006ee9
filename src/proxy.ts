/**
 * Runs before Next.js handles a server action: refuses forged or malformed action POSTs with 403/400
 * (src/dashboard/action-request.ts).
 */
import { actionRefusal, actionRequestError } from '@/dashboard/action-request';

export async function proxy(request: Request): Promise<Response | undefined> {
  const error = await actionRequestError(request);
  return error ? actionRefusal(error) : undefined;
}

// Only requests that can be server actions reach the proxy (Next buffers the body of each request it
// runs for): pages, never /api (route handlers run no actions; GraphQL stays untouched) nor assets.
// Matcher values must be literals: Next reads them at build time.
export const config = {
  matcher: [
    { source: '/((?!api/|_next/).*)', has: [{ type: 'header', key: 'next-action' }] },
    { source: '/((?!api/|_next/).*)', has: [{ type: 'header', key: 'content-type', value: 'multipart/form-data.*' }] },
  ],
};
