import { Type, type TSchema } from '@sinclair/typebox';

/** Shared TypeBox schemas: they validate requests AND generate the OpenAPI document. */
export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    issues: Type.Optional(Type.Array(Type.Object({ path: Type.String(), code: Type.String(), message: Type.String() }))),
  }),
}, { $id: 'Error' });

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const bearer = [{ bearerAuth: [] }];

export function withErrors(ok: Record<number, TSchema>, more: (409 | 413 | 415 | 429)[] = []): Record<number, TSchema> {
  const err = Type.Ref('Error');
  return { ...ok, 400: err, 401: err, 403: err, 404: err, ...Object.fromEntries(more.map((code) => [code, err])) };
}

export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('agent')]);

/** `?days=` of the console's reports: 1–90 days back, today included (default 30). */
export const ReportDaysQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 30 })) }, { additionalProperties: false });
