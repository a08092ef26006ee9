/**
 * A wide table's wrapper: it scrolls sideways on a narrow screen, and is focusable and named so a keyboard can scroll
 * it too.
 */
import type { ReactNode } from 'react';

export function ScrollingTable({ children }: { children: ReactNode }) {
  return (
    <div className="table-scroll" tabIndex={0} role="region" aria-label="Table, scrolls sideways on narrow screens">
      {children}
    </div>
  );
}
