import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, operator, until, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

/**
 * An invitation names who it is from, so the widget's bubble can show a person: an operator
 * online now, else any operator of the workspace, else nobody (null), with their photo URL
 * (null without one: the widget draws initials). Hints carry no sender.
 */
describe.each(await storeFactories())('invitation sender on $name', (factory) => {
  let t: TestApp;
  const sockets: RawSocket[] = [];
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const addOperator = async (name: string, email: string, app = t, token?: string) => {
    const r = await app.api('POST', '/api/v1/operators', { email, name, role: 'agent', password: 'correct horse battery' }, token);
    expect(r.statusCode, r.body).toBe(201);
    const login = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password: 'correct horse battery' }) });
    expect(login.statusCode, login.body).toBe(200);
    return login.json<{ token: string }>().token;
  };

  /** A visitor on the site, and a touch for them as the care loop publishes it. */
  async function shopper(ws: string, anonymousId: string) {
    const v = await visitor(ws, { writeKey: t.ws.writeKey, anonymousId });
    sockets.push(v);
    const customerId = (await t.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`)).json<{ id: string }>().id;
    let n = 0;
    const touch = async (kind: 'hint' | 'invite') => {
      const id = `tch_${anonymousId}_${++n}`;
      t.services.bus.publish('touch', {
        workspaceId: t.ws.id, customerId,
        message: { id, workspaceId: t.ws.id, customerId, decisionId: `dec_${n}`, playbookKey: 'stuck-at-payment', kind, content: kind === 'hint' ? { title: 'Need a hand?', body: 'Cards, transfer, PayPal.', link: null } : { message: 'Can I help?' }, createdAt: t.clock.now(), response: null, respondedAt: null },
      });
      return v.next((f) => f.type === 'invitation' && f['touchId'] === id);
    };
    return { v, customerId, touch };
  }

  it('is null while the workspace has no operator, and a hint never names one', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    expect((await t.api('GET', '/api/v1/operators')).json<{ items: unknown[] }>().items).toEqual([]);
    const s = await shopper(url.ws, 'anon-nobody');
    expect(await s.touch('invite')).toMatchObject({ kind: 'invite', content: { message: 'Can I help?' }, from: null });
    const hint = await s.touch('hint');
    expect(hint).toMatchObject({ kind: 'hint', content: { title: 'Need a hand?' } });
    expect('from' in hint).toBe(false);
  });

  it('names an operator online now, else any operator of the workspace; without a photo avatarUrl is null (initials)', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    await addOperator('Aiko Tanaka', 'aiko@shop.test');
    const benToken = await addOperator('Ben Okafor', 'ben@shop.test');
    const s = await shopper(url.ws, 'anon-ana');

    // Nobody online: still someone of the shop's team.
    const offline = await s.touch('invite');
    expect(['Aiko Tanaka', 'Ben Okafor']).toContain(offline['from']?.name);
    expect(offline['from']).toMatchObject({ avatarUrl: null });

    // Ben comes online: the invitation is his.
    const ben = await operator(url.ws, benToken, 'online');
    sockets.push(ben);
    await ben.next((f) => f.type === 'welcome');
    expect((await s.touch('invite'))['from']).toEqual({ name: 'Ben Okafor', avatarUrl: null });

    // Ben steps away and Aiko comes online: the invitation is hers.
    ben.send({ type: 'presence', presence: 'away' });
    await until(async () => (await t.api('GET', '/api/v1/operators')).json<{ items: { name: string; presence: string }[] }>().items.some((o) => o.name === 'Ben Okafor' && o.presence === 'away'));
    const aikoToken = (await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'aiko@shop.test', password: 'correct horse battery' }) })).json<{ token: string }>().token;
    const aiko = await operator(url.ws, aikoToken, 'online');
    sockets.push(aiko);
    expect((await s.touch('invite'))['from']).toEqual({ name: 'Aiko Tanaka', avatarUrl: null });
  });

  it('never names an operator of another workspace', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const spyToken = await addOperator('Other Shop Agent', 'agent@other.test', t, other.apiToken);
    const spy = await operator(url.ws, spyToken, 'online');
    sockets.push(spy);
    await spy.next((f) => f.type === 'welcome');
    const s = await shopper(url.ws, 'anon-iso');
    expect((await s.touch('invite'))['from']).toBeNull();
    await addOperator('Mine', 'mine@shop.test');
    expect((await s.touch('invite'))['from']).toEqual({ name: 'Mine', avatarUrl: null });
  });

  it('carries the operator\'s photo URL as they set it, and null again when they remove it', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const token = await addOperator('Aiko Tanaka', 'aiko@shop.test');
    const s = await shopper(url.ws, 'anon-photo');
    const setPhoto = async (avatarUrl: string | null) => {
      const r = await t.api('PATCH', '/api/v1/operators/me', { avatarUrl }, token);
      expect(r.statusCode, r.body).toBe(200);
    };
    // A path on this server goes as stored: the widget resolves it against the server it talks to.
    await setPhoto('/demo/assets/operator.svg');
    expect((await s.touch('invite'))['from']).toEqual({ name: 'Aiko Tanaka', avatarUrl: '/demo/assets/operator.svg' });
    await setPhoto('https://cdn.shop.test/team/aiko.jpg');
    expect((await s.touch('invite'))['from']).toEqual({ name: 'Aiko Tanaka', avatarUrl: 'https://cdn.shop.test/team/aiko.jpg' });
    // A hint still names nobody, photo or not.
    expect('from' in (await s.touch('hint'))).toBe(false);
    await setPhoto(null);
    expect((await s.touch('invite'))['from']).toEqual({ name: 'Aiko Tanaka', avatarUrl: null });
  });

  it('never shows the photo of another workspace\'s operator', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const other = await t.services.tenancy.createWorkspace('Other shop');
    // Both must exist, or the check below could pass with no other-workspace operator at all.
    const spy = await t.api('POST', '/api/v1/operators', { email: 'spy@other.test', name: 'Spy', role: 'agent', password: 'correct horse battery', avatarUrl: 'https://other.test/spy.png' }, other.apiToken);
    expect(spy.statusCode, spy.body).toBe(201);
    const mine = await t.api('POST', '/api/v1/operators', { email: 'mine@shop.test', name: 'Mine', role: 'agent', password: 'correct horse battery', avatarUrl: '/mine.png' });
    expect(mine.statusCode, mine.body).toBe(201);
    const s = await shopper(url.ws, 'anon-photo-iso');
    expect((await s.touch('invite'))['from']).toEqual({ name: 'Mine', avatarUrl: '/mine.png' });
  });
});
