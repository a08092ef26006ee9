/**
 * The errors of reading or writing a tree ensemble: a well-formed model TreeEnsemble cannot represent, and a malformed
 * one.
 */
import { CodedError } from '@/errors/coded-error';

export type UnsupportedTreeEnsembleCode =
  | 'UNSUPPORTED_OPERATOR'
  | 'UNSUPPORTED_NODE_MODE'
  | 'UNSUPPORTED_THRESHOLD'
  | 'UNSUPPORTED_CLASS_WEIGHTS'
  | 'UNSUPPORTED_BASE_VALUES'
  | 'UNSUPPORTED_POST_TRANSFORM'
  | 'UNSUPPORTED_AGGREGATE_FUNCTION'
  | 'UNSUPPORTED_TARGETS';

/** A valid ONNX tree ensemble that uses something TreeEnsemble cannot represent (yet). */
export class UnsupportedTreeEnsembleError extends CodedError {
  constructor(
    readonly code: UnsupportedTreeEnsembleCode,
    message: string,
  ) {
    super(message);
  }
}

/** Bytes that are not a well-formed tree ensemble (or an ensemble that cannot be written as one). */
export class InvalidTreeEnsembleError extends CodedError {
  readonly code = 'INVALID_TREE_ENSEMBLE';
}
