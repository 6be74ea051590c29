import type { ErrorCode } from '@omotenashi/protocol';

/** The one place that maps stable error codes to HTTP statuses. */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  invalid_json: 400,
  invalid_body: 400,
  payload_too_large: 413,
  unsupported_encoding: 415,
  invalid_gzip: 400,
  unsupported_media_type: 415,
  validation_failed: 400,
  missing_write_key: 401,
  invalid_write_key: 401,
  unauthorized: 401,
  forbidden: 403,
  invalid_credentials: 401,
  identity_proof_required: 401,
  invalid_identity_proof: 401,
  csrf_failed: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  rate_limited: 429,
  not_ready: 503,
  internal_error: 500,
};
