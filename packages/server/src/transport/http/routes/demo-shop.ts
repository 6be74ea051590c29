import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEMO_CURRENCY, DEMO_PRODUCTS } from '../../../demo/catalogue.js';
import type { Services } from '../../../services.js';

/** Where the shop's files live: packages/demo-shop (the same path from src/ and from dist/). */
export const DEMO_SHOP_DIR = fileURLToPath(new URL('../../../../../demo-shop/', import.meta.url));

export interface DemoShopOptions {
  /** The demo workspace's write key, written into the page; null when there is no demo. */
  writeKey: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** For an HTML attribute value or text: the five characters that could end it or start markup. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script type="application/json"> block (no "</script>", no "<!--"). */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/**
 * The shop's pages load only the shop's own files and the widget from this server (no inline
 * script, no eval). The widget talks to this server over fetch/sendBeacon and a WebSocket;
 * styles may be inline because the widget styles its shadow root.
 */
function contentSecurityPolicy(req: FastifyRequest): string {
  const host = req.headers.host ?? '';
  // The host header only names this server; anything odd is left out rather than echoed.
  const socket = /^[a-z0-9.\-:[\]]{1,255}$/i.test(host) ? ` ${req.protocol === 'https' ? 'wss' : 'ws'}://${host}` : '';
  return [
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
    `connect-src 'self'${socket}`, "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'self'",
  ].join('; ');
}

function securityHeaders(reply: FastifyReply, req: FastifyRequest): FastifyReply {
  return reply
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'strict-origin-when-cross-origin')
    .header('content-security-policy', contentSecurityPolicy(req));
}

const OFF_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>The demo shop is off</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#2b2b2b}code{background:#f3efe6;padding:0 .3em}</style></head>
<body><h1>The demo shop is off</h1>
<p>This server runs without the demo workspace, so there is no demo shop at <code>/demo</code>.</p>
<p>It is on by default: start the server on an empty database with <code>DEMO=true</code> (the default), e.g. <code>npm start</code>, and it seeds the demo workspace and serves the shop here.</p>
</body></html>
`;

/** The shop's static files (read once: a handful of small files), by name under /demo/assets/. */
function readAssets(dir: string): Map<string, { body: Buffer; type: string }> {
  const assets = new Map<string, { body: Buffer; type: string }>();
  const assetDir = join(dir, 'assets');
  for (const name of readdirSync(assetDir)) {
    const type = TYPES[extname(name).toLowerCase()];
    const path = join(assetDir, name);
    if (type && statSync(path).isFile()) assets.set(name, { body: readFileSync(path), type });
  }
  return assets;
}

/**
 * Serves the demo shop at /demo: the page for /demo, /demo/ and every /demo/* path (the shop
 * routes on the client, and a full reload of any of its URLs must land on the shop), with the
 * demo workspace's write key and the catalogue written in; its files under /demo/assets/.
 * Without a demo workspace, /demo answers a 404 page saying the demo is off.
 */
export function demoShopRoutes(app: FastifyInstance, _services: Services, demo: DemoShopOptions | null, dir: string = DEMO_SHOP_DIR): void {
  if (!demo) {
    const off = async (req: FastifyRequest, reply: FastifyReply) => securityHeaders(reply, req).code(404).type('text/html; charset=utf-8').send(OFF_PAGE);
    app.get('/demo', { schema: { hide: true } }, off);
    app.get('/demo/*', { schema: { hide: true } }, off);
    return;
  }
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const page = template
    .replace('%WRITE_KEY%', escapeHtml(demo.writeKey))
    .replace('%CATALOGUE%', jsonForScript({ currency: DEMO_CURRENCY, products: DEMO_PRODUCTS }));
  const assets = readAssets(dir);

  const index = async (req: FastifyRequest, reply: FastifyReply) =>
    // The page carries the write key (public by nature, like a Segment source's) but no-store
    // keeps a rotated key from living on in caches.
    securityHeaders(reply, req).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(page);
  app.get('/demo', { schema: { hide: true } }, index);
  app.get('/demo/*', { schema: { hide: true } }, index);
  app.get('/demo/assets/*', { schema: { hide: true } }, async (req, reply) => {
    const name = (req.params as { '*': string })['*'];
    const asset = assets.get(name);
    if (!asset) {
      return reply.code(404).send({ error: { code: 'not_found', message: `the demo shop has no file ${JSON.stringify(name)}` } });
    }
    return securityHeaders(reply, req).header('cache-control', 'no-cache').type(asset.type).send(asset.body);
  });
}
