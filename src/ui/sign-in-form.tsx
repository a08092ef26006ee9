'use client';
/**
 * The sign-in form: an API key, posted through a server action (works without JavaScript); a refused key is said next
 * to the field.
 */
import { useActionState } from 'react';
import type { SignInState } from '@/dashboard/sign-in';

interface Props {
  next: string;
  action: (state: SignInState, form: FormData) => Promise<SignInState>;
}

export function SignInForm({ next, action }: Props) {
  const [state, submit, pending] = useActionState(action, { error: null });
  return (
    <form action={submit} className="sign-in" aria-label="Sign in">
      <input type="hidden" name="next" value={next} />
      <div className={`field${state.error ? ' field-invalid' : ''}`}>
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          name="key"
          type="password"
          autoComplete="current-password"
          spellCheck={false}
          required
          aria-invalid={state.error ? true : undefined}
          aria-describedby={`api-key-hint${state.error ? ' api-key-error' : ''}`}
        />
        <p id="api-key-hint" className="hint">
          Starts with <code>crc_</code>. An admin makes keys with <code>npm run keys -- create</code>.
        </p>
        {state.error ? (
          <p id="api-key-error" className="error" role="alert">
            {state.error}
          </p>
        ) : null}
      </div>
      <button type="submit" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
