import type { ErrorCode, Issue } from '@omotenashi/protocol';

/**
 * The one error type of the server. `code` is stable and public; the HTTP status is decided in
 * one table at the transport edge (transport/http/error-status.ts), never here.
 */
export class OmotenashiError extends Error {
  readonly code: ErrorCode;
  readonly issues: Issue[] | undefined;
  /** For `rate_limited`: when to try again (sent as the HTTP Retry-After header). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: { issues?: Issue[]; cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OmotenashiError';
    this.code = code;
    this.issues = options.issues;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function validationError(issues: Issue[], message?: string): OmotenashiError {
  const first = issues[0];
  // Messages usually name their field already ("conditions[0].fact: unknown fact …"): don't say it twice.
  const named = first && (first.path === '' || first.message.startsWith(first.path));
  const summary = message ?? (first ? (named ? first.message : `${first.path}: ${first.message}`) : 'the request is not valid');
  return new OmotenashiError('validation_failed', issues.length > 1 ? `${summary} (and ${issues.length - 1} more)` : summary, { issues });
}

export function notFound(what: string, id: string): OmotenashiError {
  return new OmotenashiError('not_found', `${what} ${JSON.stringify(id)} does not exist in this workspace`);
}
