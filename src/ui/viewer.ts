/**
 * Who is looking at a dashboard page: the principal of the request's session cookie. Pages that
 * show records call `requireViewer`, which sends anyone not signed in to /sign-in and back after.
 */
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import type { Principal } from '../access/roles';
import { SESSION_COOKIE } from '../access/sessions';
import { services } from '../config/service-container';

/** The signed-in principal, or null; looked up once per request however many components ask. */
export const currentViewer = cache(async (): Promise<Principal | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!token) return null;
  return (await services()).sessions.resolve(token);
});

/** The signed-in principal; without one, a redirect to sign-in that returns to `path` afterwards. */
export async function requireViewer(path: string): Promise<Principal> {
  const viewer = await currentViewer();
  if (!viewer) redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  return viewer;
}

const BASE = 'http://dashboard.invalid';
// eslint-disable-next-line no-control-regex -- control characters are what browsers strip from a Location ("/\t/evil" becomes "//evil").
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * `next` as given to /sign-in, when it is a path on this site, else "/". It is parsed as a URL against
 * a placeholder origin and kept only if it stays there: a protocol-relative `//evil`, a backslash or
 * control character a browser would read as one, or an absolute URL elsewhere all fail that.
 */
export function localPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || UNSAFE.test(next)) return '/';
  try {
    const url = new URL(next, BASE);
    return url.origin === BASE ? `${url.pathname}${url.search}${url.hash}` : '/';
  } catch {
    return '/';
  }
}
