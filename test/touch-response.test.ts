import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, until, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

interface Touch { id: string; response: string | null; respondedAt: string | null }

describe.each(await storeFactories())('answers stored on the touch on $name', (factory) => {
  let t: TestApp;
  const sockets: RawSocket[] = [];
  beforeEach(async () => {
    t = await startTestApp(factory);
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await t?.close();
  });

  const idOf = async (anonymousId: string) => (await t.api('GET', `/api/v1/customers/lookup?anonymousId=${anonymousId}`)).json<{ id: string }>().id;
  const touches = async (customerId: string, token?: string) => {
    const r = await t.api('GET', `/api/v1/customers/${customerId}/touches`, undefined, token);
    return { status: r.statusCode, items: r.statusCode === 200 ? r.json<{ items: Touch[] }>().items : [] };
  };
  /** A visitor on the site, with a manual invitation pushed to their socket. */
  const invited = async (wsUrl: string, anonymousId: string) => {
    const s = await visitor(wsUrl, { writeKey: t.ws.writeKey, anonymousId });
    sockets.push(s);
    const id = await idOf(anonymousId);
    const sent = await t.api('POST', `/api/v1/visitors/${id}/invite`, { message: 'Can I help?' });
    expect(sent.json(), sent.body).toMatchObject({ outcome: 'sent' });
    const inv = await s.next((f) => f.type === 'invitation');
    return { s, id, touchId: inv['touchId'] as string };
  };

  it('stores the first answer and when it came; a later answer does not overwrite it', async () => {
    const url = await listen(t);
    const { s, id, touchId } = await invited(url.ws, 'answers');
    expect((await touches(id)).items[0]).toMatchObject({ id: touchId, response: null, respondedAt: null });
    const answeredAt = new Date(t.clock.now()).toISOString();
    s.send({ type: 'invitation.response', touchId, response: 'accepted' });
    const stored = await until(async () => (await touches(id)).items.find((x) => x.response !== null), 5_000, 'the answer on the touch');
    expect(stored).toMatchObject({ id: touchId, response: 'accepted', respondedAt: answeredAt });
    // Still recorded as an event for playbooks and etiquette.
    await until(async () => (await t.api('GET', `/api/v1/customers/${id}/timeline`)).json<{ items: { name?: string }[] }>().items.some((i) => i.name === 'Omotenashi Touch Accepted'), 5_000, 'the event');

    t.clock.advance(60_000);
    s.send({ type: 'invitation.response', touchId, response: 'dismissed' });
    await until(async () => (await t.api('GET', `/api/v1/customers/${id}/timeline`)).json<{ items: { name?: string }[] }>().items.some((i) => i.name === 'Omotenashi Touch Dismissed'), 5_000, 'the second event');
    expect((await touches(id)).items[0]).toMatchObject({ response: 'accepted', respondedAt: answeredAt });
  });

  it('never writes another visitor\'s touch, nor shows it to another workspace', async () => {
    const url = await listen(t);
    const victim = await invited(url.ws, 'victim');
    const other = await invited(url.ws, 'other');
    // The other visitor answers with the victim's touch id: nothing is stored on it.
    other.s.send({ type: 'invitation.response', touchId: victim.touchId, response: 'dismissed' });
    other.s.send({ type: 'invitation.response', touchId: other.touchId, response: 'dismissed' });
    await until(async () => (await touches(other.id)).items[0]?.response === 'dismissed', 5_000, 'the other visitor\'s own answer');
    expect((await touches(victim.id)).items[0]).toMatchObject({ id: victim.touchId, response: null, respondedAt: null });

    // A visitor of workspace B cannot answer A's touch either, and B's token cannot read it.
    const b = await t.services.tenancy.createWorkspace('Shop B');
    const intruder = await visitor(url.ws, { writeKey: b.writeKey, anonymousId: 'victim' });
    sockets.push(intruder);
    intruder.send({ type: 'invitation.response', touchId: victim.touchId, response: 'accepted' });
    const bId = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=victim', undefined, b.apiToken)).json<{ id: string }>().id;
    await until(async () => (await t.api('GET', `/api/v1/customers/${bId}/timeline`, undefined, b.apiToken)).json<{ items: { name?: string }[] }>().items.some((i) => i.name === 'Omotenashi Touch Accepted'), 5_000, 'B\'s event');
    expect((await touches(victim.id)).items[0]).toMatchObject({ response: null });
    expect((await touches(victim.id, b.apiToken)).status).toBe(404);
  });
});
