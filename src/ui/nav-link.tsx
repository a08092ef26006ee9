'use client';
/**
 * A link that says "Loading…" beside itself while the page it opens is on its way: the loading state
 * of every route. Route-level loading.tsx is not used because it streams the page behind a Suspense
 * fallback that only JavaScript swaps in: without JavaScript the page would never show. Without
 * JavaScript this is a plain link and the browser shows progress. The link to the page on screen is
 * marked aria-current.
 */
import Link, { useLinkStatus } from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

function Pending() {
  const { pending } = useLinkStatus();
  return pending ? (
    <span className="pending" role="status">
      {' '}
      Loading…
    </span>
  ) : null;
}

export function NavLink({
  href,
  children,
  className,
  rel,
  ariaLabel,
}: {
  href: string;
  children: ReactNode;
  className?: string;
  rel?: string;
  ariaLabel?: string;
}) {
  const current = usePathname() === href;
  return (
    <Link
      href={href}
      className={className}
      rel={rel}
      aria-label={ariaLabel}
      aria-current={current ? 'page' : undefined}
      prefetch={false}
    >
      {children}
      <Pending />
    </Link>
  );
}
