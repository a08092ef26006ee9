/** What an alert form shows after a submission: plain data with no server imports, so the client form can import it. */

export type AlertMove = 'acknowledge' | 'resolve';

/** Plain data: it crosses from the server action to the form that shows it. */
export interface AlertFormState {
  /** A problem with a field, by field name (`note`). */
  fieldErrors: Record<string, string>;
  /** A problem with the whole request (permission, state, database). */
  formError: string | null;
  /** What was done, when it was. */
  done: string | null;
}

export const EMPTY_ALERT_FORM_STATE: AlertFormState = { fieldErrors: {}, formError: null, done: null };
