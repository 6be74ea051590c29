/**
 * Stable error codes. Clients may switch on these strings; they never change meaning.
 * Each one is documented with "how to fix" in docs/errors.md (a test keeps the two in step).
 */
export const ERROR_CODES = [
  // request-level
  'invalid_json',
  'invalid_body',
  'payload_too_large',
  'unsupported_encoding',
  'invalid_gzip',
  'unsupported_media_type',
  'validation_failed',
  // authentication and authorisation
  'missing_write_key',
  'invalid_write_key',
  'unauthorized',
  'forbidden',
  'invalid_credentials',
  'identity_proof_required',
  'invalid_identity_proof',
  'csrf_failed',
  // resources
  'not_found',
  'conflict',
  'invalid_transition',
  'rate_limited',
  // server
  'not_ready',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes of individual problems inside a request, reported as `{ path, code, message }`. */
export const ISSUE_CODES = [
  'required',
  'invalid_type',
  'invalid_value',
  'too_long',
  'too_large',
  'too_many',
  'too_deep',
  'forbidden_key',
  'nul_byte',
  'lone_surrogate',
  'invalid_timestamp',
  'timestamp_out_of_range',
  'unknown_type',
  'missing_identity',
  'empty',
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

export interface Issue {
  /** Where the problem is, e.g. `batch[3].properties.price` or `email`. */
  path: string;
  code: IssueCode;
  message: string;
}

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    issues?: Issue[];
  };
}
