import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Issue } from '@omotenashi/protocol';
import { simulate } from '../../../app/care/simulate.js';
import { resolvePeriod, type Period } from '../../../app/care/simulate/period.js';
import { validatePlaybook } from '../../../domain/playbooks/validate-playbook.js';
import { OmotenashiError, validationError } from '../../../errors.js';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { bearer, withErrors } from '../schemas.js';

/** A simulation over HTTP runs inside the request: this many customers unless the body says otherwise. */
export const HTTP_DEFAULT_LIMIT_CUSTOMERS = 20_000;
const HTTP_MAX_LIMIT_CUSTOMERS = 200_000;

const KeyParams = Type.Object({ key: Type.String({ minLength: 1, maxLength: 64 }) });
const periodFields = {
  from: Type.Optional(Type.String({ maxLength: 64, description: 'ISO-8601 timestamp with a time zone; default: 7 days before `to`' })),
  to: Type.Optional(Type.String({ maxLength: 64, description: 'ISO-8601 timestamp with a time zone; default (and at most): now. `to` − `from` ≤ 90 days' })),
  limitCustomers: Type.Optional(Type.Integer({ minimum: 1, maximum: HTTP_MAX_LIMIT_CUSTOMERS, description: `replay at most this many customers (default ${HTTP_DEFAULT_LIMIT_CUSTOMERS})` })),
  alone: Type.Optional(Type.Boolean({ description: "leave the workspace's other enabled playbooks out (default false: they run alongside, as live)" })),
};
const SimulateKeyBody = Type.Object(periodFields, { additionalProperties: false });
const SimulateDefinitionBody = Type.Object({
  definition: Type.Unknown({ description: 'an unsaved playbook definition (see docs/playbooks.md), validated like POST /api/v1/playbooks' }),
  ...periodFields,
}, { additionalProperties: false });

/** Playbook simulation: replay a period of stored events, write nothing, report whom it would reach. */
export function simulateRoutes(app: FastifyInstance, s: Services): void {
  const tags = ['playbooks'];
  const response = withErrors({ 200: Type.Any() });

  app.post<{ Params: Static<typeof KeyParams>; Body: Static<typeof SimulateKeyBody> | undefined }>('/api/v1/playbooks/:key/simulate', {
    schema: { tags, summary: 'Simulate a stored playbook (enabled or not) over a period of stored events; writes nothing', params: KeyParams, body: SimulateKeyBody, security: bearer, response },
    // Every field is optional, so no body at all means "the defaults".
    preValidation: async (req) => {
      req.body ??= {};
    },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const body = req.body ?? {};
    const period = resolvePeriod(body, s.clock.now());
    return simulate(s, auth.workspaceId, { playbook: req.params.key, ...period, limitCustomers: body.limitCustomers ?? HTTP_DEFAULT_LIMIT_CUSTOMERS, alone: body.alone });
  });

  app.post<{ Body: Static<typeof SimulateDefinitionBody> }>('/api/v1/playbooks/simulate', {
    schema: { tags, summary: 'Simulate an unsaved playbook definition over a period: see whom it would reach before switching it on', body: SimulateDefinitionBody, security: bearer, response },
  }, async (req) => {
    const auth = await authenticate(s, req);
    const body = req.body;
    // Every problem at once: the definition's (as fields of `definition`, with the messages
    // POST /api/v1/playbooks gives) and the period's.
    const issues: Issue[] = [];
    const def = body.definition;
    if (def === undefined || def === null || typeof def !== 'object' || Array.isArray(def)) {
      issues.push({ path: 'definition', code: def === undefined ? 'required' : 'invalid_type', message: 'definition is required: the playbook to simulate, as an object' });
    } else {
      const r = validatePlaybook(def);
      if (!r.ok) issues.push(...r.issues.map((i) => ({ ...i, path: i.path === '' ? 'definition' : `definition.${i.path}` })));
    }
    let period: Period | null = null;
    try {
      period = resolvePeriod(body, s.clock.now());
    } catch (err) {
      if (!(err instanceof OmotenashiError && err.issues)) throw err;
      issues.push(...err.issues);
    }
    if (issues.length > 0 || period === null) throw validationError(issues);
    return simulate(s, auth.workspaceId, {
      playbook: def as Record<string, unknown>, ...period, limitCustomers: body.limitCustomers ?? HTTP_DEFAULT_LIMIT_CUSTOMERS, alone: body.alone,
    });
  });
}
