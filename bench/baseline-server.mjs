// The bare baseline: same HTTP framework (Fastify), same request bodies, no product logic.
// Each request's body is JSON.parse'd and every event is appended as one row (integer rowid +
// the event's JSON text) in ONE transaction per request. WAL, synchronous=FULL (like ours).
// No validation, dedupe, identity resolution, profiles, metrics or group commit.
//
// Env: BENCH_SQLITE_PATH. Same IPC protocol as bench/server.mjs.
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';

const env = process.env;
const db = new SQLite(env.BENCH_SQLITE_PATH);
db.pragma('journal_mode = WAL');
db.pragma(`synchronous = ${env.SQLITE_SYNCHRONOUS ?? 'FULL'}`);
db.exec('create table if not exists events (id integer primary key, body text not null)');
const insert = db.prepare('insert into events (body) values (?)');
const appendAll = db.transaction((events) => {
  for (const e of events) insert.run(JSON.stringify(e));
});

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 500 * 1024 }, (_req, body, done) => done(null, body));
app.post('/v1/batch', async (req) => {
  const body = JSON.parse(req.body.toString('utf8'));
  if (!Array.isArray(body?.batch)) throw Object.assign(new Error('batch must be an array'), { statusCode: 400 });
  appendAll(body.batch);
  return { success: true, accepted: body.batch.length, duplicates: 0, suppressed: 0 };
});
app.post('/v1/:type', async (req) => {
  const event = JSON.parse(req.body.toString('utf8'));
  appendAll([event]);
  return { success: true, accepted: 1, duplicates: 0, suppressed: 0 };
});
await app.listen({ port: 0, host: '127.0.0.1' });

const hardStop = setTimeout(() => process.exit(3), Number(env.BENCH_MAX_SECONDS ?? 900) * 1000);
hardStop.unref();

let stopping = false;
process.on('message', async (msg) => {
  if (msg?.type === 'stats') {
    process.send({ type: 'stats', counts: { events: db.prepare('select count(*) as n from events').get().n }, cpu: process.cpuUsage(), memory: process.memoryUsage(), uptime: process.uptime() });
  } else if (msg?.type === 'cpu') {
    process.send({ type: 'cpu', cpu: process.cpuUsage() });
  } else if (msg?.type === 'stop' && !stopping) {
    stopping = true;
    await app.close();
    db.close();
    process.send({ type: 'stopped' }, () => process.exit(0));
  }
});
process.on('disconnect', () => {
  if (!stopping) process.exit(2);
});
process.send({ type: 'ready', port: app.server.address().port, writeKey: 'baseline', pid: process.pid, database: 'sqlite', synchronous: env.SQLITE_SYNCHRONOUS ?? 'FULL' });
