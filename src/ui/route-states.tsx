/**
 * What every route shows when its thing does not exist and when it fails: one look for both (loading: see
 * nav-link.tsx).
 */

export function NotFound({ what, back }: { what: string; back: { href: string; label: string } }) {
  return (
    <div className="state">
      <h1>Not found</h1>
      <p>There is no {what} at this address.</p>
      <p>
        <a href={back.href}>{back.label}</a>
      </p>
    </div>
  );
}

/**
 * Server errors reach the browser masked (Next.js sends a digest, not the message); the digest is
 * what the operator looks up in the server log.
 */
export function Failure({
  what,
  error,
  reset,
}: {
  what: string;
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <div className="state" role="alert">
      <h1>Something went wrong</h1>
      <p>The {what} could not be shown. If the audit database is unavailable, try again in a moment.</p>
      {error.digest ? (
        <p className="muted">
          Reference for the operator: <code>{error.digest}</code>
        </p>
      ) : null}
      <p>
        <button type="button" onClick={reset}>
          Try again
        </button>{' '}
        {/* The button needs JavaScript; reloading does the same without it. */}
        <a href="">Reload the page</a> <a href="/">Back to the overview</a>
      </p>
    </div>
  );
}
