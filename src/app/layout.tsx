/** The root layout of every page: the header with navigation, and the one stylesheet. */
import type { ReactNode } from 'react';
import './globals.css';
import { NavLink } from '@/ui/nav-link';
import { ViewerStatus } from '@/ui/viewer-status';
import { currentViewer } from '@/dashboard/viewer';
import { services } from '@/server/service-container';
import { signOut } from './sign-in/actions';

export const metadata = {
  title: 'Clinical Risk Console',
  description: 'Validated clinical risk models, explained feature by feature.',
};

// The header says who is signed in; a database that cannot say must not take every page down with it.
async function Viewer() {
  return <ViewerStatus viewer={await currentViewer(services).catch(() => null)} signOut={signOut} />;
}

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <nav aria-label="Main">
            <NavLink href="/" className="brand">
              Clinical Risk Console
            </NavLink>
            <ul>
              <li>
                <NavLink href="/">Overview</NavLink>
              </li>
              <li>
                <NavLink href="/ward">Ward</NavLink>
              </li>
              <li>
                <NavLink href="/models/sepsis">Sepsis</NavLink>
              </li>
              <li>
                <NavLink href="/models/diabetes">Diabetes</NavLink>
              </li>
              <li>
                <NavLink href="/models/heart-failure">Heart failure</NavLink>
              </li>
              <li>
                <NavLink href="/models/icu-mortality">ICU mortality</NavLink>
              </li>
              <li>
                <NavLink href="/predictions">Audit</NavLink>
              </li>
            </ul>
          </nav>
          <Viewer />
        </header>
        <main id="main">{children}</main>
        <footer className="site-footer">
          <p>
            Decision support only: every answer is explained and stored for audit. Contributions are in log-odds, not
            probabilities. API: <code>/api/graphql</code>.
          </p>
        </footer>
      </body>
    </html>
  );
}
