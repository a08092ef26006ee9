'use client';
/**
 * Acknowledge or resolve one alert with a note, through a server action (works without JavaScript); a refused note is
 * said next to the field.
 */
import { useActionState } from 'react';
import { EMPTY_ALERT_FORM_STATE, type AlertFormState, type AlertMove } from '@/dashboard/alert-form-state';

interface Props {
  alertId: string;
  move: AlertMove;
  action: (state: AlertFormState, form: FormData) => Promise<AlertFormState>;
}

const BUTTON: Record<AlertMove, string> = { acknowledge: 'Acknowledge', resolve: 'Resolve' };
const NOTE: Record<AlertMove, string> = {
  acknowledge: 'Note for acknowledging (required)',
  resolve: 'Note for resolving (required)',
};

export function AlertForm({ alertId, move, action }: Props) {
  const [state, submit, pending] = useActionState(action, EMPTY_ALERT_FORM_STATE);
  const id = `${move}-${alertId}`;
  const noteError = state.fieldErrors.note ?? state.fieldErrors.alertId;
  return (
    <form action={submit} className="alert-form" aria-label={`${BUTTON[move]} the alert`}>
      <input type="hidden" name="alertId" value={alertId} />
      <div className={`field${noteError ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-note`}>{NOTE[move]}</label>
        <textarea
          id={`${id}-note`}
          name="note"
          rows={2}
          maxLength={2000}
          required
          aria-invalid={noteError ? true : undefined}
          aria-describedby={noteError ? `${id}-error` : undefined}
        />
        {noteError ? (
          <p id={`${id}-error`} className="error" role="alert">
            {noteError}
          </p>
        ) : null}
      </div>
      {state.formError ? (
        <p className="error" role="alert">
          {state.formError}
        </p>
      ) : null}
      {state.done ? <p role="status">{state.done}</p> : null}
      <button type="submit" disabled={pending}>
        {pending ? 'Saving…' : BUTTON[move]}
      </button>
    </form>
  );
}
