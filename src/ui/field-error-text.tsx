/** A form field's error, announced when it appears; nothing when there is none. */
export function FieldErrorText({ id, error }: { id: string; error?: string }) {
  return error ? (
    <p id={id} className="error" role="alert">
      {error}
    </p>
  ) : null;
}
