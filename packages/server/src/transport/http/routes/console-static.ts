import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * packages/console/dist. The same relative path holds from this file's TypeScript source
 * (packages/server/src/transport/http/routes, under vitest) and from its build
 * (packages/server/dist/transport/http/routes).
 */
export const CONSOLE_DIST = fileURLToPath(new URL('../../../../../console/dist/', import.meta.url));

/**
 * Every console response carries these. Vite emits external module scripts and stylesheets, so
 * no 'unsafe-inline' or 'unsafe-eval' is needed; `ws:`/`wss:` let the console reach the
 * operators' WebSocket, and `data:`/`blob:` images are attachment previews and chart exports.
 * `https:` images are operators' photos (avatarUrl), which shops usually host elsewhere (their
 * CDN, a team page); an image cannot run script, so this opens no way in. Plain http: photos
 * stay blocked here (mixed content on an https console); the console shows initials instead.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: https:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2', '.txt': 'text/plain; charset=utf-8', '.webmanifest': 'application/manifest+json',
};
/** Vite names what it bundles by content hash: such a file never changes, so it may be cached for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Console not built</title></head>
<body><h1>The console has not been built</h1>
<p>Build it with <code>npm run build -w @omotenashi/console</code> (or <code>npm run build</code> for everything), then reload this page.</p>
</body></html>
`;

function secure(reply: FastifyReply): FastifyReply {
  for (const [k, v] of Object.entries(CONSOLE_SECURITY_HEADERS)) void reply.header(k, v);
  return reply;
}

/** A regular file inside `root`, or null (no escaping with `..`, no directories). */
async function fileIn(root: string, relative: string): Promise<string | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(relative);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = normalize(join(root, decoded));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    return (await stat(path)).isFile() ? path : null;
  } catch {
    return null;
  }
}

/**
 * The console's single-page app: hashed assets under /console/assets/ cached for good,
 * index.html (never cached, so a new build is picked up at once) for /console and for every
 * other /console/* path, since the app routes on the client. Without a build, a 503 page says
 * how to make one.
 */
export function consoleStaticRoutes(app: FastifyInstance, opts: { distDir?: string } = {}): void {
  const root = normalize(opts.distDir ?? CONSOLE_DIST);

  const sendIndex = async (reply: FastifyReply) => {
    secure(reply);
    let html: Buffer;
    try {
      html = await readFile(join(root, 'index.html'));
    } catch {
      return reply.code(503).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    }
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };

  app.get('/console', { schema: { hide: true } }, async (_req, reply) => sendIndex(reply));
  app.get<{ Params: { '*': string } }>('/console/*', { schema: { hide: true } }, async (req, reply) => {
    const rest = req.params['*'];
    if (rest.startsWith('api/')) {
      return secure(reply).code(404).send({ error: { code: 'not_found', message: `no route for ${req.method} /console/${rest.split('?')[0]}` } });
    }
    const isAsset = rest.startsWith('assets/');
    // Files at the top of dist (a favicon, say) are served too; anything else is a client route.
    const path = rest === '' || rest === 'index.html' ? null : await fileIn(root, rest);
    if (path) {
      const body = await readFile(path);
      return secure(reply)
        .header('content-type', TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream')
        .header('cache-control', isAsset ? IMMUTABLE : 'no-cache')
        .send(body);
    }
    // A missing asset is an old page asking for a previous build's file: a 404, not the app's HTML.
    if (isAsset) return secure(reply).code(404).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send('not found');
    return sendIndex(reply);
  });
}
