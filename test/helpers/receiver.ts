import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery { headers: IncomingHttpHeaders; body: string }
export interface Receiver { url: string; requests: Delivery[]; close(): Promise<void> }

/**
 * A local webhook receiver that records every request and answers with the scripted statuses
 * (then 200).
 */
export async function receiver(opts: { statuses?: number[]; host?: string; path?: string } = {}): Promise<Receiver> {
  const statuses = [...(opts.statuses ?? [])];
  const host = opts.host ?? '127.0.0.1';
  const requests: Delivery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = statuses.shift() ?? 200;
      res.end(res.statusCode < 300 ? 'ok' : 'try again later');
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}${opts.path ?? '/hooks/omotenashi'}`,
    requests,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
