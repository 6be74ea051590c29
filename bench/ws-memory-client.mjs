// Load worker of bench/ws-memory.mjs (forked with IPC): holds a share of the visitor WebSockets.
//
// Env: WSM_URL (ws://…/v1/realtime), WSM_WRITE_KEY, WSM_TAG (anonymousId prefix), WSM_CONCURRENCY
// (handshakes in flight), WSM_LOCAL_ADDRESSES (comma-separated loopback source addresses, used in
// turn, so repeated runs do not run one address's ephemeral ports into TIME_WAIT).
// IPC in:  { type: 'open', count, from }  opens `count` sockets (anonymousId <tag>-<from + i>),
//          each: connect → hello → welcome; answers { type: 'opened', ok, failed, errors, ms, handshake }
//          { type: 'close' }               closes every socket, answers { type: 'closed', closedBy }
// Every open socket pings every 25 s (as @omotenashi/client does), so none goes idle.
import WebSocket from 'ws';

const env = process.env;
const URL_ = env.WSM_URL;
const WRITE_KEY = env.WSM_WRITE_KEY;
const TAG = env.WSM_TAG ?? 'wsm';
const CONCURRENCY = Number(env.WSM_CONCURRENCY ?? 250);
const LOCALS = (env.WSM_LOCAL_ADDRESSES ?? '127.0.0.1').split(',').map((s) => s.trim()).filter(Boolean);

const sockets = new Set();
const closedByServer = [];
let pinger = null;

function openOne(n) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let settled = false;
    const ws = new WebSocket(URL_, { perMessageDeflate: false, localAddress: LOCALS[n % LOCALS.length], handshakeTimeout: 60_000 });
    const finish = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        ws.terminate();
        resolve({ ok: false, error: err });
      } else resolve({ ok: true, ms: performance.now() - t0 });
    };
    const timer = setTimeout(() => finish('no welcome within 120 s'), 120_000);
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', v: 1, writeKey: WRITE_KEY, anonymousId: `${TAG}-${n}` })));
    ws.on('message', (data) => {
      if (settled) return;
      const f = JSON.parse(String(data));
      if (f.type === 'welcome') {
        sockets.add(ws);
        finish(null);
      } else if (f.type === 'error') finish(`error frame ${f.code}: ${f.message}`);
    });
    ws.on('error', (err) => finish(`${err.code ?? ''} ${err.message}`));
    ws.on('close', (code, reason) => {
      if (sockets.delete(ws) && !closing && closedByServer.length < 20) closedByServer.push(`${code} ${reason}`);
      finish(`closed ${code} ${reason} before welcome`);
    });
  });
}

let closing = false;
async function openMany(count, from) {
  const t0 = performance.now();
  let next = 0;
  let ok = 0;
  let failed = 0;
  const errors = new Map();
  const ms = [];
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = await openOne(from + i);
      if (r.ok) {
        ok++;
        ms.push(r.ms);
      } else {
        failed++;
        errors.set(r.error, (errors.get(r.error) ?? 0) + 1);
      }
      if ((ok + failed) % 1000 === 0) process.send({ type: 'progress', done: ok + failed, ok, failed });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
  ms.sort((a, b) => a - b);
  const q = (p) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] : null);
  return { ok, failed, errors: [...errors].map(([e, n]) => `${n} × ${e}`).slice(0, 10), ms: performance.now() - t0, handshake: { p50: q(0.5), p99: q(0.99), max: ms.length ? ms[ms.length - 1] : null } };
}

function startPinger() {
  if (pinger) return;
  // 25 s per socket, spread: a slice of the sockets every second.
  let tick = 0;
  pinger = setInterval(() => {
    tick++;
    let i = 0;
    for (const ws of sockets) {
      if (i++ % 25 === tick % 25 && ws.readyState === WebSocket.OPEN) ws.send('{"type":"ping"}');
    }
  }, 1_000);
}

process.on('message', async (msg) => {
  if (msg?.type === 'open') {
    startPinger();
    const r = await openMany(msg.count, msg.from);
    process.send({ type: 'opened', ...r, open: sockets.size });
  } else if (msg?.type === 'close') {
    closing = true;
    clearInterval(pinger);
    pinger = null;
    const all = [...sockets];
    await Promise.all(all.map((ws) => new Promise((resolve) => {
      const t = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 10_000);
      ws.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      ws.close(1000, 'bench done');
    })));
    sockets.clear();
    closing = false;
    process.send({ type: 'closed', closedByServer });
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready', pid: process.pid });
