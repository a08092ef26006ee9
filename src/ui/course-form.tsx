'use client';
/**
 * The predict form of a model that reads a stay's course: the admission instant and the observations as lines
 * `Time,Parameter,Value` (time HH:MM from admission, as in the PhysioNet 2012 record files). It submits through a
 * server action, so it works without JavaScript too; every value typed is kept and errors name the line.
 */
import { useActionState } from 'react';
import { EMPTY_FORM_STATE, type PredictFormState } from '@/dashboard/predict-form-state';
import { FieldErrorText } from './field-error-text';
import { PatientRefField } from './patient-ref-field';
import { PredictionResult } from './prediction-result';

interface Props {
  modelName: string;
  /** Minutes from admission the model reads; null: the whole course. */
  windowMinutes: number | null;
  /** A few codes to name in the hint, e.g. `HR`, `GCS`. */
  exampleCodes: string[];
  /** How a program sends the same course. */
  apiHint?: string;
  action: (state: PredictFormState, form: FormData) => Promise<PredictFormState>;
}

const EXAMPLE =
  'Time,Parameter,Value\n00:00,Age,71\n00:00,Gender,1\n00:00,ICUType,2\n00:00,Weight,82.5\n00:30,HR,96\n01:30,GCS,13\n10:00,HR,112';

export function CourseForm({ modelName, windowMinutes, exampleCodes, apiHint, action }: Props) {
  const [state, formAction, pending] = useActionState(action, EMPTY_FORM_STATE);
  const errorCount = Object.keys(state.errors).length;
  const window =
    windowMinutes === null
      ? 'The course is scored at its latest line.'
      : `The model reads the first ${windowMinutes % 60 === 0 ? `${windowMinutes / 60} hours` : `${windowMinutes} minutes`} and scores their end: a later line is refused.`;
  return (
    <>
      <form action={formAction} className="predict-form" noValidate aria-describedby="form-summary">
        <p
          id="form-summary"
          className={errorCount || state.formError ? 'error' : 'muted'}
          role={errorCount || state.formError ? 'alert' : undefined}
        >
          {state.formError ??
            (errorCount
              ? `${errorCount} field${errorCount > 1 ? 's need' : ' needs'} attention; nothing was stored.`
              : `Enter the stay's course for ${modelName}.`)}
        </p>
        <div className={`field${state.errors.admittedAt ? ' field-invalid' : ''}`}>
          <label htmlFor="admittedAt">
            Admission <span className="required"> required</span>
          </label>
          <input
            id="admittedAt"
            name="admittedAt"
            type="text"
            placeholder="2026-03-01T08:00Z"
            defaultValue={state.values.admittedAt ?? ''}
            aria-invalid={state.errors.admittedAt ? true : undefined}
            aria-describedby={`admittedAt-hint${state.errors.admittedAt ? ' admittedAt-error' : ''}`}
            autoComplete="off"
          />
          <p id="admittedAt-hint" className="hint">
            The instant of admission to the unit, with its time zone (Z for UTC); the lines&apos; times count from it.
          </p>
          <FieldErrorText id="admittedAt-error" error={state.errors.admittedAt} />
        </div>
        <div className={`field${state.errors.course ? ' field-invalid' : ''}`}>
          <label htmlFor="course">
            Observations <span className="required"> required</span>
          </label>
          <textarea
            id="course"
            name="course"
            rows={14}
            cols={40}
            placeholder={EXAMPLE}
            defaultValue={state.values.course ?? ''}
            aria-invalid={state.errors.course ? true : undefined}
            aria-describedby={`course-hint${state.errors.course ? ' course-error' : ''}`}
            spellCheck={false}
          />
          <p id="course-hint" className="hint">
            One observation a line, <code>Time,Parameter,Value</code>, as in the challenge&apos;s record files: time
            HH:MM from admission (hours may pass 24), a code such as {exampleCodes.join(', ')} (the model page lists
            them with units and ranges), a value in its unit; -1 (missing) and the RecordID line are skipped. The facts
            of the stay (Age, Gender, Height, ICUType, Weight) are at 00:00. {window}
          </p>
          <FieldErrorText id="course-error" error={state.errors.course} />
        </div>
        <PatientRefField value={state.values.patientRef} error={state.errors.patientRef} />
        <button type="submit" disabled={pending}>
          {pending ? 'Predicting…' : 'Predict'}
        </button>
        {apiHint ? <p className="muted">{apiHint}</p> : null}
      </form>
      {state.result ? <PredictionResult view={state.result} previous={null} /> : null}
    </>
  );
}
