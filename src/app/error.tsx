'use client';
/** Shown when the overview fails to render. */
import { Failure } from '@/ui/route-states';

export default function ErrorState({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <Failure what="overview" error={error} reset={reset} />;
}
