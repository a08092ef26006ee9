/** The optional patient reference of the predict forms (features and course alike), with its error. */
import { FieldErrorText } from './field-error-text';

export function PatientRefField({ value, error }: { value?: string; error?: string }) {
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor="patientRef">
        Patient reference <span className="optional"> optional</span>
      </label>
      <input
        id="patientRef"
        name="patientRef"
        type="text"
        maxLength={128}
        defaultValue={value ?? ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={`patientRef-hint${error ? ' patientRef-error' : ''}`}
      />
      <p id="patientRef-hint" className="hint">
        An identifier such as an MRN, kept with the audit record; not sent to the model.
      </p>
      <FieldErrorText id="patientRef-error" error={error} />
    </div>
  );
}
