/** The error for a request whose values break the rules: every offending field, each with what it allows. */
import { CodedError } from './coded-error';

export interface FieldError {
  name: string;
  message: string;
}

/** Every offending field of one request; a request is valid when nothing is listed. */
export class InvalidInputError extends CodedError {
  readonly code = 'BAD_USER_INPUT';
  constructor(readonly fields: FieldError[]) {
    super(`invalid input: ${fields.map((f) => `${f.name}: ${f.message}`).join('; ')}`);
  }
}
