'use client';
/** Shown when the stay page fails to render. */
import { Failure } from '@/ui/route-states';

export default function ErrorState({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <Failure what="stay" error={error} reset={reset} />;
}
