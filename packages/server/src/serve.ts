import { pino } from 'pino';
import type { Config } from './config/config.js';
import { demoCredentialsFile, ensureDemoWorkspace } from './demo-seed.js';
import { openServices } from './services.js';
import { buildApp } from './transport/http/build-app.js';

/** `omotenashi serve`: migrate, seed the demo on an empty database, listen, print where to go. */
export async function serve(config: Config): Promise<void> {
  const log = pino({ level: config.logLevel });
  const services = await openServices(config, { defaultMetrics: true, onBackgroundError: (loop, err) => log.warn({ err, loop }, 'background loop failed; it will retry') });
  // Seeded before the app is built: the demo shop's page carries the demo workspace's write key.
  const demo = config.demo ? await ensureDemoWorkspace(services, demoCredentialsFile(config)) : null;
  const app = await buildApp(services, {
    logger: { level: config.logLevel }, onRealtimeError: (err) => log.warn({ err }, 'realtime failure'),
    demo: demo ? { writeKey: demo.writeKey } : null, trustProxy: config.trustProxy,
  });
  const pruneTimer = setInterval(() => {
    services.store.pruneDedupe(Date.now() - config.dedupeWindowDays * 86_400_000).catch((err: unknown) => log.warn({ err }, 'dedupe prune failed'));
  }, 3_600_000);
  pruneTimer.unref();

  services.startBackground();
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : config.port;
  // With PORT=0 the OS picks the port: print the real one.
  const base = config.port === 0 ? config.publicUrl.replace(/:0$/, `:${actualPort}`) : config.publicUrl;
  // What a newcomer opens first comes first: the console and, on a demo, the shop.
  const lines = [
    '',
    `  Omotenashi is running on ${config.database.kind === 'sqlite' ? `SQLite (${config.database.path})` : 'PostgreSQL'}`,
    '',
    `  Console        ${base}/console/`,
    ...(demo ? [`  Demo shop      ${base}/demo/`] : []),
    '',
    `  Tracking API   ${base}/v1/batch   (Segment-compatible)`,
    `  Admin API      ${base}/api/v1     (OpenAPI: ${base}/api/v1/openapi.json)`,
    `  Realtime       ${base.replace(/^http/, 'ws')}/v1/realtime (visitors)  ${base.replace(/^http/, 'ws')}/api/v1/realtime (operators)`,
    `  Health         ${base}/healthz  ${base}/readyz  ${base}/metrics`,
  ];
  if (demo) {
    lines.push('', `  Demo workspace ${demo.workspaceId}`, `  Write key      ${demo.writeKey}`, `  Admin token    ${demo.apiToken}`, `  Operator       ${demo.operator.email} / ${demo.operator.password}`);
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    await app.close();
    await services.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
