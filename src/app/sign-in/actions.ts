'use server';
/**
 * Sign-in and sign-out: server actions, so they are POSTs that Next.js refuses from another origin
 * (it compares Origin with Host), and the session cookie is SameSite=Lax, so no other site's form
 * can carry it. Shells over src/dashboard/sign-in.ts with the process's services.
 */
import { signIn as startSession, signOut as endSession, type SignInState } from '@/dashboard/sign-in';
import { services } from '@/server/service-container';

export async function signIn(_state: SignInState, form: FormData): Promise<SignInState> {
  return startSession(services, form);
}

export async function signOut(): Promise<void> {
  return endSession(services);
}
