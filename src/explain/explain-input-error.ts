/** The error for rows, batches or backgrounds whose shape does not fit the ensemble being explained. */
import { CodedError } from '@/errors/coded-error';

/** A row or batch whose width is not the ensemble's feature count, or a background with no rows. */
export class ExplainInputError extends CodedError {
  readonly code = 'INVALID_EXPLAIN_INPUT';
}
