/**
 * Who is looking at a dashboard page: the principal of the request's session cookie. Pages that
 * show records call `requireViewer`, which sends anyone not signed in to /sign-in and back after.
 */
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { Principal } from '@/access/roles';
import { SESSION_COOKIE, type SessionStore } from '@/access/sessions';

/**
 * What the lookup needs of the process's services, as the app layer hands them over (the service
 * container's `services` is one): asked for only when a cookie is present, so a page without a
 * session never waits for the database.
 */
export type ViewerServices = () => Promise<{ sessions: Pick<SessionStore, 'resolve'> }>;

/** The signed-in principal, or null; looked up once per request however many components ask. */
export const currentViewer = cache(async (services: ViewerServices): Promise<Principal | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return (await services()).sessions.resolve(token);
});

/** The signed-in principal; without one, a redirect to sign-in that returns to `path` afterwards. */
export async function requireViewer(services: ViewerServices, path: string): Promise<Principal> {
  const viewer = await currentViewer(services);
  if (!viewer) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return viewer;
}

const BASE = 'http://dashboard.invalid';
// eslint-disable-next-line no-control-regex -- control characters are what browsers strip from a Location ("/\t/evil" becomes "//evil").
const UNSAFE = /[\u0000-\u001f\u007f\\]/;
const ONE_LEADING_SLASH = /^\/(?!\/)/;

/**
 * `next` as given to /sign-in, when it is a path on this site, else "/". It is parsed as a URL against
 * a placeholder origin and kept only if it stays there: a protocol-relative `//evil`, a backslash or
 * control character a browser would read as one, or an absolute URL elsewhere all fail that. The
 * resolved path is checked again, because dot segments resolve after the first check ("/..//evil",
 * "/a/%2e%2e//evil" become "//evil", which a browser reads as another host); checking the result
 * also makes the answer idempotent, so the form's hidden field and the action agree.
 */
export function localPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || UNSAFE.test(next)) return '/';
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  return url.origin === BASE && ONE_LEADING_SLASH.test(path) && !UNSAFE.test(path) ? path : '/';
}
