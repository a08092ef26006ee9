/** Signing in to the dashboard (an API key exchanged for a session cookie) and out again. */
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ApiKeyStore } from '@/access/api-keys';
import { SESSION_COOKIE, type SessionStore } from '@/access/sessions';
import { DatabaseUnavailableError } from '@/db/database';
import { localPath } from './viewer';

/** What the sign-in form shows after a submission: plain data, since it crosses from the action to the form. */
export interface SignInState {
  error: string | null;
}

/**
 * What signing in and out needs of the process's services, asked for only once there is a key or a session to act on.
 */
export type SignInServices = () => Promise<{
  keys: Pick<ApiKeyStore, 'authenticate'>;
  sessions: Pick<SessionStore, 'start' | 'end'>;
}>;

/** Secure whenever the page was served over HTTPS (directly or behind a proxy that says so). */
async function overHttps(): Promise<boolean> {
  const h = await headers();
  return (
    h.get('x-forwarded-proto')?.split(',')[0].trim() === 'https' || h.get('origin')?.startsWith('https://') === true
  );
}

/** Fields: `key` (the API key) and `next` (where to go afterwards, kept only if it is a path on this site). */
export async function signIn(services: SignInServices, form: FormData): Promise<SignInState> {
  const key = String(form.get('key') ?? '').trim();
  const next = localPath(form.get('next'));
  if (!key) return { error: 'Paste your API key.' };
  const { keys, sessions } = await services();
  let session: { token: string; expiresAt: Date };
  try {
    const principal = await keys.authenticate(key);
    if (!principal) return { error: 'That key is not valid: it is unknown or has been revoked.' };
    session = await sessions.start(principal.keyId);
  } catch (error) {
    if (error instanceof DatabaseUnavailableError)
      return { error: 'The database is unavailable, so nobody can sign in right now. Try again in a moment.' };
    throw error;
  }
  const jar = await cookies();
  const previous = jar.get(SESSION_COOKIE)?.value;
  if (previous) await sessions.end(previous).catch(() => undefined);
  jar.set(SESSION_COOKIE, session.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: await overHttps(),
    path: '/',
    expires: session.expiresAt,
  });
  redirect(next);
}

export async function signOut(services: SignInServices): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  // The browser forgets the session first, so signing out works even while the database cannot be reached.
  jar.delete(SESSION_COOKIE);
  if (token) await (await services()).sessions.end(token).catch(() => undefined);
  redirect('/sign-in');
}
