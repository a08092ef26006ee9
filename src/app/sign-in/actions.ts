'use server';
/**
 * Sign-in and sign-out: server actions, so they are POSTs that Next.js refuses from another origin
 * (it compares Origin with Host), and the session cookie is SameSite=Lax, so no other site's form
 * can carry it. Shells over the session store.
 */
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { SESSION_COOKIE } from '@/access/sessions';
import { services } from '@/server/service-container';
import { DatabaseUnavailableError } from '@/db/database';
import type { SignInState } from '@/ui/sign-in-form';
import { localPath } from '@/dashboard/viewer';

/** Secure whenever the page was served over HTTPS (directly or behind a proxy that says so). */
async function overHttps(): Promise<boolean> {
  const h = await headers();
  return h.get('x-forwarded-proto')?.split(',')[0].trim() === 'https' || h.get('origin')?.startsWith('https://') === true;
}

export async function signIn(_state: SignInState, form: FormData): Promise<SignInState> {
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
    if (error instanceof DatabaseUnavailableError) return { error: 'The database is unavailable, so nobody can sign in right now. Try again in a moment.' };
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

export async function signOut(): Promise<void> {
  const jar = await cookies();
  const token = jar.get(SESSION_COOKIE)?.value;
  // The browser forgets the session first, so signing out works even while the database cannot be reached.
  jar.delete(SESSION_COOKIE);
  if (token) await (await services()).sessions.end(token).catch(() => undefined);
  redirect('/sign-in');
}
