import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { Services } from '../packages/server/src/services.js';
import { widgetAssetRoutes, widgetDistDir } from '../packages/server/src/transport/http/routes/widget-assets.js';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

/** The widget's scripts as a shop's page fetches them: any origin, cacheable, compressed. */
describe('widget assets', async () => {
  const [sqlite] = await storeFactories();
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  it.each(['widget.js', 'widget-chat.js'])('serves /%s as JavaScript any origin may load, with an ETag', async (name) => {
    t = await startTestApp(sqlite!);
    const built = readFileSync(`${widgetDistDir()}/${name}`);
    const res = await t.app.inject({ method: 'GET', url: `/${name}`, headers: { origin: 'https://shop.example' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(Number(/max-age=(\d+)/.exec(String(res.headers['cache-control']))![1])).toBeLessThanOrEqual(3600);
    expect(res.headers['etag']).toMatch(/^"[\w-]+"$/);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.rawPayload.equals(built)).toBe(true);

    // A revalidation with the ETag is a 304 without a body.
    const again = await t.app.inject({ method: 'GET', url: `/${name}`, headers: { 'if-none-match': String(res.headers['etag']) } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const stale = await t.app.inject({ method: 'GET', url: `/${name}`, headers: { 'if-none-match': '"something-else"' } });
    expect(stale.statusCode).toBe(200);
  });

  it('gzips for browsers that accept it, and the bytes are the built file', async () => {
    t = await startTestApp(sqlite!);
    const built = readFileSync(`${widgetDistDir()}/widget.js`);
    const res = await t.app.inject({ method: 'GET', url: '/widget.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toMatch(/accept-encoding/i);
    expect(res.rawPayload.length).toBeLessThan(built.length);
    expect(gunzipSync(res.rawPayload).equals(built)).toBe(true);
  });

  it('answers HEAD, and nothing else under the widget names', async () => {
    t = await startTestApp(sqlite!);
    const head = await t.app.inject({ method: 'HEAD', url: '/widget.js' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const other = await t.app.inject({ method: 'GET', url: '/widget-other.js' });
    expect(other.statusCode).toBe(404);
    const traversal = await t.app.inject({ method: 'GET', url: '/widget.js/../package.json' });
    expect(traversal.statusCode).toBe(404);
  });

  it('says clearly that the widget is not built, rather than serving nothing', async () => {
    const app = Fastify();
    const dir = join(mkdtempSync(join(tmpdir(), 'no-widget-')), 'dist');
    widgetAssetRoutes(app, {} as Services, dir);
    const res = await app.inject({ method: 'GET', url: '/widget.js' });
    expect(res.statusCode).toBe(503);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toMatchObject({ error: { code: 'not_ready', message: expect.stringContaining('npm run build -w @omotenashi/widget') } });
    expect(res.body, 'the server\'s file system stays out of a public answer').not.toContain(dir);
    await app.close();
  });
});
