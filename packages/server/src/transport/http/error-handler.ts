import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody, Issue, IssueCode } from '@omotenashi/protocol';
import { OmotenashiError } from '../../errors.js';
import type { Metrics } from './metrics.js';
import { ERROR_STATUS } from './error-status.js';

interface AjvError { instancePath: string; keyword: string; params: Record<string, unknown>; message?: string }

const KEYWORD_CODE: Record<string, IssueCode> = {
  required: 'required', type: 'invalid_type', maxLength: 'too_long', minLength: 'invalid_value', maximum: 'invalid_value',
  minimum: 'invalid_value', additionalProperties: 'invalid_value', enum: 'invalid_value', const: 'invalid_value', anyOf: 'invalid_value',
};

/** Normalises every failure into `{ error: { code, message, issues? } }` with the status from one table. */
export function errorHandler(metrics: Metrics) {
  return (err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply): void => {
    const e = toOmotenashiError(err);
    const status = ERROR_STATUS[e.code];
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (/^\/v1\/(track|identify|page|screen|group|alias|batch)\b/.test(req.url)) metrics.eventsRejected.inc({ code: e.code });
    const body: ErrorBody = { error: { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) } };
    if (e.retryAfterSeconds !== undefined) void reply.header('retry-after', String(e.retryAfterSeconds));
    void reply.code(status).send(body);
  };
}

function toOmotenashiError(err: FastifyError | Error): OmotenashiError {
  if (err instanceof OmotenashiError) return err;
  const fe = err as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (fe.validation) {
    const where = fe.validationContext ?? 'body';
    const issues: Issue[] = fe.validation.map((v) => {
      const base = v.instancePath.replace(/^\//, '').replace(/\//g, '.');
      const extra = (v.params['missingProperty'] ?? v.params['additionalProperty']) as string | undefined;
      const path = [where === 'body' ? '' : where, base, extra ?? ''].filter(Boolean).join('.');
      const code = KEYWORD_CODE[v.keyword] ?? 'invalid_value';
      const message = v.keyword === 'additionalProperties' ? `${path} is not a known field` : `${path || where} ${v.message ?? 'is not valid'}`;
      return { path, code, message };
    });
    const first = issues[0]!;
    return new OmotenashiError('validation_failed', issues.length > 1 ? `${first.message} (and ${issues.length - 1} more)` : first.message, { issues });
  }
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new OmotenashiError('payload_too_large', 'the body is larger than this endpoint accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new OmotenashiError('unsupported_media_type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new OmotenashiError('invalid_json', 'the body is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new OmotenashiError('invalid_body', 'Content-Length does not match the body');
    default:
      break;
  }
  if (err instanceof SyntaxError || fe.statusCode === 400) {
    return new OmotenashiError('invalid_json', `the body is not valid JSON: ${err.message}`);
  }
  if (fe.statusCode === 404) return new OmotenashiError('not_found', err.message);
  return new OmotenashiError('internal_error', 'something went wrong on our side; it has been logged', { cause: err });
}
