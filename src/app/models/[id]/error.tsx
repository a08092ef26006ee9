'use client';
/** Shown when the model card fails to render. */
import { Failure } from '@/ui/route-states';

export default function ErrorState({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return <Failure what="model card" error={error} reset={reset} />;
}
