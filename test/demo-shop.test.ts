import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../packages/server/src/demo/catalogue.js';
import { seedDemoWorkspace } from '../packages/server/src/demo-seed.js';
import { createServices, type Services } from '../packages/server/src/services.js';
import { buildApp } from '../packages/server/src/transport/http/build-app.js';
import { TestClock } from './helpers/app.js';
import { sqliteFactory } from './helpers/stores.js';

/**
 * The demo shop at /demo, as a browser fetches it: the page for every shop URL (client routing,
 * full reloads), the demo workspace's write key written into the widget's script tag, the shop's
 * files with their types, security headers, and a clear 404 when the server runs without a demo.
 * These routes read no data, so SQLite alone serves as the store.
 */
async function appWith(demo: { writeKey: string } | null): Promise<{ app: FastifyInstance; services: Services }> {
  const services = createServices(await sqliteFactory.create(), { clock: new TestClock(), geo: false });
  const app = await buildApp(services, { demo });
  return { app, services };
}

describe('the demo shop at /demo', () => {
  // A key with characters that would break out of the attribute if it were not escaped.
  const hostileKey = 'wk_demo"><script>alert(1)</script>&\'';
  let app: FastifyInstance;
  let services: Services;
  beforeAll(async () => ({ app, services } = await appWith({ writeKey: hostileKey })));
  afterAll(async () => {
    await app.close();
    await services.close();
  });

  it('serves the shop for the home page and every deep link, with the write key escaped in the widget tag', async () => {
    const paths = ['/demo', '/demo/', '/demo/products/sencha-asatsuyu', '/demo/cart', '/demo/checkout', '/demo/checkout/payment',
      '/demo/returns', '/demo/help', '/demo/orders/CH-123456', '/demo/no-such-page?utm_source=x'];
    for (const url of paths) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('<script src="/widget.js" data-write-key="wk_demo&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;&#38;&#39;" async></script>');
      expect(res.body).not.toContain('<script>alert(1)');
      expect(res.body).not.toContain('%WRITE_KEY%');
    }
  });

  it('writes the catalogue into the page as data, safe inside its script block', async () => {
    const res = await app.inject({ method: 'GET', url: '/demo/' });
    const block = /<script type="application\/json" id="demo-catalogue">([^<]*)<\/script>/.exec(res.body);
    expect(block).not.toBeNull();
    const catalogue = JSON.parse(block![1]!) as { currency: string; products: { slug: string; price: number }[] };
    expect(catalogue.currency).toBe('EUR');
    expect(catalogue.products.map((p) => p.slug)).toEqual(DEMO_PRODUCTS.map((p) => p.slug));
  });

  it('keeps the stable hooks the browser tests and the docs rely on', async () => {
    const page = (await app.inject({ method: 'GET', url: '/demo/' })).body;
    const script = (await app.inject({ method: 'GET', url: '/demo/assets/shop.js' })).body;
    expect(page).toContain('data-testid="cart-link"');
    expect(page).toContain('href="/demo/returns"');
    expect(page).toContain('href="/demo/help"');
    for (const hook of ['add-to-cart', 'checkout', 'to-payment', 'pay']) expect(script).toContain(`'data-testid': '${hook}'`);
    // The queued-call snippet: calls made before the widget arrives wait in Omotenashi.q.
    expect(script).toContain('window.Omotenashi = window.Omotenashi || { q: [] }');
  });

  it('sends security headers: nosniff, no caching of the page, a CSP that allows only this origin\'s scripts', async () => {
    const res = await app.inject({ method: 'GET', url: '/demo/cart', headers: { host: '127.0.0.1:3000' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:3000");
    expect(csp).toContain("object-src 'none'");
    // A forged Host header is not echoed into the policy.
    const odd = await app.inject({ method: 'GET', url: '/demo/', headers: { host: 'evil.example; script-src *' } });
    expect(String(odd.headers['content-security-policy'])).not.toContain('evil.example');
  });

  it('serves the shop\'s files with their content types, and 404 for files it does not have', async () => {
    const js = await app.inject({ method: 'GET', url: '/demo/assets/shop.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    const css = await app.inject({ method: 'GET', url: '/demo/assets/shop.css' });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    const svg = await app.inject({ method: 'GET', url: '/demo/assets/favicon.svg' });
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    for (const url of ['/demo/assets/nope.js', '/demo/assets/..%2findex.html', '/demo/assets/%2e%2e%2findex.html']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain('%WRITE_KEY%');
    }
  });

  it('gives the seeded demo operator a photo this server serves: a self-contained SVG portrait', async () => {
    const demo = await seedDemoWorkspace(services);
    const [op] = await services.store.listOperators(demo.workspaceId);
    expect(op?.avatarUrl).toBe('/demo/assets/operator.svg');
    const res = await app.inject({ method: 'GET', url: op!.avatarUrl! });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/svg+xml');
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // No script, no fonts, nothing fetched from elsewhere: it renders offline, under any CSP.
    expect(res.body.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/<script|@import|font-family|href=|https?:/i);
    expect(res.body.length).toBeLessThan(8 * 1024);
  });
});

describe('a server without the demo', () => {
  it('answers /demo with a 404 page saying the demo is off', async () => {
    const { app, services } = await appWith(null);
    try {
      for (const url of ['/demo', '/demo/', '/demo/checkout/payment', '/demo/assets/shop.js']) {
        const res = await app.inject({ method: 'GET', url });
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(res.body).toContain('The demo shop is off');
        expect(res.body).not.toContain('data-write-key');
      }
    } finally {
      await app.close();
      await services.close();
    }
  });
});
