'use client';
/**
 * Keeps the ward board live where JavaScript runs: subscribes to `wardUpdated` over the GraphQL SSE endpoint (an
 * EventSource on graphql-sse's GET form, which sends the dashboard's session cookie), re-reads the board from the server
 * on each change (the rows stay server-rendered: one source of truth for what they say), marks the rows that changed
 * for a moment, and says when the connection is lost while it subscribes again with backoff.
 */
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, useTransition } from 'react';

const SUBSCRIPTION = 'subscription WardBoard($unit: String) { wardUpdated(unit: $unit) { stayRef reason hour } }';
/** Events within this window are taken with one re-read: a replay can change many rows within a second. */
const COALESCE_MS = 100;
/** How long a changed row stays marked. */
const MARK_MS = 4000;
const RETRY_MS = [1000, 2000, 5000, 10000];
/** Longest a re-read holds back the next one. */
const REFRESH_GUARD_MS = 10_000;
/** How often a live board is re-read with no event, so the ages it shows stay true. */
const AGES_MS = 60_000;

/** `static` is what the server renders: without JavaScript nothing ever connects. */
export type LiveState = 'static' | 'connecting' | 'live' | 'lost';

const LIVE_TEXT: Record<LiveState, (failures: number) => string> = {
  static: () => 'Not updating live (live updates need JavaScript): reload the page for newer data.',
  connecting: () => 'Connecting to live updates…',
  live: () => 'Live: rows update as observations arrive.',
  lost: (failures) => `Live updates lost; retrying (attempt ${failures}). The rows below are as of the time shown.`,
};

export function streamUrl(unit: string | null): string {
  const params = new URLSearchParams({ query: SUBSCRIPTION, variables: JSON.stringify({ unit }) });
  return `/api/graphql/stream?${params}`;
}

export function WardLive({ unit, renderedAt }: { unit: string | null; renderedAt: string }) {
  const router = useRouter();
  const [state, setState] = useState<LiveState>('static');
  const [failures, setFailures] = useState(0);
  const [isPending, startTransition] = useTransition();
  const marks = useRef(new Map<string, number>());
  const markTimers = useRef(new Set<ReturnType<typeof setTimeout>>());
  // One re-read of the board at a time, and at most one more queued: a busy ward must not stack full renders.
  const refreshing = useRef(false);
  const queued = useRef(false);
  const refresh = useCallback(() => {
    if (refreshing.current) {
      queued.current = true;
      return;
    }
    refreshing.current = true;
    startTransition(() => router.refresh());
    // Should the transition's end never be seen, the board must not stop updating: the guard lapses after a while.
    setTimeout(() => {
      if (!refreshing.current) return;
      refreshing.current = false;
      if (queued.current) {
        queued.current = false;
        refresh();
      }
    }, REFRESH_GUARD_MS);
  }, [router]);
  useEffect(() => {
    if (isPending || !refreshing.current) return;
    refreshing.current = false;
    if (queued.current) {
      queued.current = false;
      refresh();
    }
  }, [isPending, refresh]);

  useEffect(() => {
    let source: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let coalesce: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    let everLost = false;
    let live = false;
    let closed = false;

    const reread = () => {
      if (coalesce) return;
      coalesce = setTimeout(() => {
        coalesce = undefined;
        refresh();
      }, COALESCE_MS);
    };
    // Ages ("14 min ago") and staleness are the server's as of its rendering: a quiet ward is re-read now and then.
    const ages = setInterval(() => live && reread(), AGES_MS);
    const lose = () => {
      source?.close();
      live = false;
      everLost = true;
      setState('lost');
      setFailures((n) => n + 1);
      if (closed) return;
      // Backs off until an update gets through: a stream that opens and at once fails (a refused session, a database
      // away) is retried every 10 s at most, not every second.
      retry = setTimeout(open, RETRY_MS[Math.min(attempts++, RETRY_MS.length - 1)]);
    };
    const open = () => {
      setState((s) => (s === 'static' ? 'connecting' : s));
      source = new EventSource(streamUrl(unit));
      source.onopen = () => {
        live = true;
        setState('live');
        // Whatever changed while the connection was down was not announced: read the board again.
        if (everLost) reread();
      };
      source.addEventListener('next', (event) => {
        const result = JSON.parse((event as MessageEvent<string>).data) as {
          data?: { wardUpdated?: { stayRef: string } };
          errors?: unknown[];
        };
        // A subscription that ends with an error (too slow, the server lost its database) is subscribed again.
        if (result.errors?.length) return lose();
        attempts = 0;
        const stayRef = result.data?.wardUpdated?.stayRef;
        if (stayRef) marks.current.set(stayRef, Date.now() + MARK_MS);
        reread();
      });
      // The server ended the stream: subscribe again rather than let the board go quietly stale.
      source.addEventListener('complete', lose);
      source.onerror = lose;
    };
    open();
    const timers = markTimers.current;
    return () => {
      closed = true;
      source?.close();
      clearTimeout(retry);
      clearTimeout(coalesce);
      clearInterval(ages);
      for (const timer of timers) clearTimeout(timer);
    };
  }, [unit, refresh]);

  // Each re-read renders the rows anew: mark the ones an event named, until their moment passes.
  useEffect(() => {
    const now = Date.now();
    for (const [stayRef, until] of marks.current) {
      if (until < now) {
        marks.current.delete(stayRef);
        continue;
      }
      const row = document.querySelector(`tr[data-stay-ref="${CSS.escape(stayRef)}"]`);
      if (!row) continue;
      row.classList.add('changed');
      const timer = setTimeout(() => {
        markTimers.current.delete(timer);
        row.classList.remove('changed');
      }, until - now);
      markTimers.current.add(timer);
    }
  }, [renderedAt]);

  return <LiveStatus state={state} failures={failures} />;
}

/** The board's live state in words; `static` is what a browser without JavaScript keeps. */
export function LiveStatus({ state, failures }: { state: LiveState; failures: number }) {
  return (
    <p className={`ward-live ward-live-${state}`} role="status" aria-live="polite">
      {LIVE_TEXT[state](failures)}
    </p>
  );
}
