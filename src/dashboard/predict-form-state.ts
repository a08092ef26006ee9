/** The predict form's state between submissions: plain data, shared by the server action and the client form. */
import type { PredictionView } from './prediction-view';

/** Everything the form shows after a submission; plain data, since it crosses from the server to the form. */
export interface PredictFormState {
  /** Each field as typed (features, and patientRef), shown again whatever happened. */
  values: Record<string, string>;
  /** Field name → what is wrong with it, shown next to the field. */
  errors: Record<string, string>;
  /** A problem that is no one field's (the database is down, the model is unknown). */
  formError: string | null;
  result: PredictionView | null;
  /** The prediction shown before this one, for the what-if comparison. */
  previous: PredictionView | null;
}

export const EMPTY_FORM_STATE: PredictFormState = {
  values: {},
  errors: {},
  formError: null,
  result: null,
  previous: null,
};
