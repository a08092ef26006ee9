/** Sign in to the dashboard with an API key; the session lasts a shift (sessions.ts). */
import { SignInForm } from '@/ui/sign-in-form';
import { currentViewer, localPath } from '@/dashboard/viewer';
import { services } from '@/server/service-container';
import { signIn } from './actions';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Sign in — Clinical Risk Console' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const next = localPath((await searchParams).next);
  const viewer = await currentViewer(services);
  return (
    <>
      <h1>Sign in</h1>
      {viewer ? (
        <p className="lead">
          You are signed in as <strong>{viewer.name}</strong> ({viewer.role}). Signing in again replaces this session.
        </p>
      ) : (
        <p className="lead">Predictions and audit records need a key. Model cards are open to everyone.</p>
      )}
      <SignInForm next={next} action={signIn} />
    </>
  );
}
