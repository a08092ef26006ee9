'use client';
/** Shown when the audit list fails to render. */
import { Failure } from '@/ui/route-states';

export default function ErrorState({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <Failure what="audit list" error={error} reset={reset} />;
}
