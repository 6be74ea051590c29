import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../../../services.js';

/** The widget's scripts, served from packages/widget/dist. */
export const WIDGET_ASSETS = ['widget.js', 'widget-chat.js'] as const;

/**
 * Short enough that a new widget reaches shops within minutes (the URL in their snippet never
 * changes), long enough that a shopper's page views do not fetch it again and again. After it
 * expires, the ETag makes the check a 304.
 */
const CACHE_CONTROL = 'public, max-age=300, stale-while-revalidate=3600';

/** Where the built widget is: the workspace package, else next to this file's package (src or dist). */
export function widgetDistDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@omotenashi/widget/package.json')), 'dist');
  } catch {
    // routes → http → transport → src|dist → server → packages
    return fileURLToPath(new URL('../../../../../widget/dist/', import.meta.url));
  }
}

interface Asset { mtimeMs: number; size: number; body: Buffer; gz: Buffer; etag: string }

/** Serves the widget's scripts (/widget.js and its lazily loaded chat panel /widget-chat.js). */
export function widgetAssetRoutes(app: FastifyInstance, _services: Services, dir = widgetDistDir()): void {
  const cache = new Map<string, Asset>();

  // Read once and kept while the file is unchanged (a rebuild is picked up without a restart).
  async function load(name: string): Promise<Asset | null> {
    const path = join(dir, name);
    const st = await stat(path).catch(() => null);
    if (!st?.isFile()) return null;
    const hit = cache.get(name);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit;
    const body = await readFile(path);
    const asset: Asset = { mtimeMs: st.mtimeMs, size: st.size, body, gz: gzipSync(body, { level: 9 }), etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    cache.set(name, asset);
    return asset;
  }

  for (const name of WIDGET_ASSETS) {
    app.get(`/${name}`, { schema: { hide: true } }, async (req, reply) => {
      const asset = await load(name);
      // Shops load these from their own pages: any origin may read them (the chat panel is an
      // ES module, which browsers fetch with CORS), and pages isolated with COEP may embed them.
      void reply.headers({ 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin', 'x-content-type-options': 'nosniff' });
      if (!asset) {
        // Where it looked goes to the server's log only: this answer reaches any shopper's browser.
        req.log.warn({ dir }, `${name} is not built`);
        return reply.code(503).header('cache-control', 'no-store').send({
          error: { code: 'not_ready', message: `${name} is not built: run \`npm run build -w @omotenashi/widget\`` },
        });
      }
      void reply.headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': CACHE_CONTROL, etag: asset.etag, vary: 'accept-encoding' });
      const match = req.headers['if-none-match'];
      if (match && match.split(',').some((t) => t.trim().replace(/^W\//, '') === asset.etag)) return reply.code(304).send();
      if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) return reply.header('content-encoding', 'gzip').send(asset.gz);
      return reply.send(asset.body);
    });
  }
}
