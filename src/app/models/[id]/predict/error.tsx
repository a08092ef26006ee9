'use client';
/** Shown when the predict form fails to render. */
import { Failure } from '@/ui/route-states';

export default function ErrorState({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <Failure what="predict form" error={error} reset={reset} />;
}
