/** The header's account corner: a sign-in link, or who is signed in with a sign-out button. */
import type { Principal } from '@/access/roles';
import { NavLink } from './nav-link';

export function ViewerStatus({ viewer, signOut }: { viewer: Principal | null; signOut: () => Promise<void> }) {
  if (!viewer) {
    return (
      <p className="viewer">
        <NavLink href="/sign-in">Sign in</NavLink>
      </p>
    );
  }
  return (
    <form className="viewer" action={signOut}>
      <span>
        Signed in as <strong>{viewer.name}</strong> <span className="muted">({viewer.role})</span>
      </span>{' '}
      <button type="submit" className="button-secondary">
        Sign out
      </button>
    </form>
  );
}
