import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { sqliteFactory } from './helpers/stores.js';

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(sqliteFactory);
  });
  afterAll(async () => t.close());

  it('is generated from the same schemas that validate requests', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ openapi: string; paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown; responses?: Record<string, unknown> }>> }>();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/v1/customers/lookup', '/api/v1/customers/{id}', '/api/v1/customers/{id}/timeline', '/api/v1/customers/{id}/export', '/v1/batch', '/v1/track', '/api/v1/auth/login']) {
      expect(doc.paths, path).toHaveProperty([path]);
    }
    expect(doc.paths['/api/v1/customers/{id}']).toHaveProperty('delete');
    // The login's lock-out (429 rate_limited) is documented where it can happen.
    for (const login of ['/api/v1/auth/login', '/console/api/login']) expect(doc.paths[login]!['post']!.responses, login).toHaveProperty(['429']);
    const lookupParams = doc.paths['/api/v1/customers/lookup']!['get']!.parameters!.map((p) => p.name).sort();
    expect(lookupParams).toEqual(['anonymousId', 'email', 'phone', 'userId']);
    // The schema that documents `limit` is the one that refuses a bad value.
    const bad = await t.api('GET', '/api/v1/customers/cus_x/timeline?limit=500');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: 'querystring.limit', code: 'invalid_value' }] } });
  });

  it('refuses unknown fields instead of silently dropping them', async () => {
    const res = await t.api('POST', '/api/v1/write-keys', { name: 'k', colour: 'red' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: { code: 'validation_failed', issues: [{ path: 'colour', code: 'invalid_value' }] } });
    expect((await t.api('GET', '/api/v1/write-keys')).json<{ items: unknown[] }>().items).toHaveLength(1);
  });
});
