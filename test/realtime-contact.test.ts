import { afterEach, describe, expect, it } from 'vitest';
import { CONVERSATION_LIMITS } from '@omotenashi/protocol';
import { startTestApp, type TestApp } from './helpers/app.js';
import { listen, until, visitor, type RawSocket } from './helpers/realtime.js';
import { storeFactories } from './helpers/stores.js';

type Customer = { id: string; profile: { traits: Record<string, unknown> }; identities: { kind: string; value: string; verified: boolean }[] };

/**
 * The offline form's address, left over the visitor socket (`contact`): it reaches the
 * visitor's profile as an unverified email whatever the shop's analytics consent, a bad one is
 * refused with the field named and stores nothing, and it never merges the visitor into the
 * customer who proved that address.
 */
describe.each(await storeFactories())('A visitor leaves an email for an answer, on $name', (factory) => {
  let t: TestApp;
  const open: RawSocket[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await t?.close();
  });

  const lookup = (email: string, token?: string) => t.api('GET', `/api/v1/customers/lookup?email=${encodeURIComponent(email)}`, undefined, token);

  it('puts the address on the visitor\'s profile, unverified; refuses a bad one and stores nothing', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const v = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-offline' });
    open.push(v);

    const eventsBefore = await t.count('events'); // the hello's own identify
    const refusals: [unknown, RegExp][] = [
      ['not-an-email', /contact: email must be an email address/],
      [`${'a'.repeat(CONVERSATION_LIMITS.contactEmailChars - 10)}@example.jp`, /at most 254 characters/],
      [42, /contact: email/],
    ];
    for (const [email] of refusals) v.send({ type: 'contact', email });
    await until(() => v.of('error').length === refusals.length, 5_000, 'three refusals').catch((e: Error) => { throw new Error(`${e.message}: ${JSON.stringify(v.frames)}`); });
    refusals.forEach(([, message], i) => expect(v.of('error')[i]).toMatchObject({ code: 'validation_failed', message: expect.stringMatching(message) }));
    expect(await t.count('events'), 'a refused address stores nothing').toBe(eventsBefore);

    // Exactly at the limit is accepted (254 characters).
    const longest = `${'b'.repeat(CONVERSATION_LIMITS.contactEmailChars - 11)}@example.jp`;
    expect(longest).toHaveLength(CONVERSATION_LIMITS.contactEmailChars);
    v.send({ type: 'contact', email: longest });
    const email = 'Aiko.Offline@Example.jp';
    v.send({ type: 'contact', email });
    const found = await until(async () => {
      const r = await lookup(email);
      return r.statusCode === 200 ? r.json<Customer>() : null;
    }, 10_000, 'the customer to be found by the address left');
    expect(found.identities).toContainEqual({ kind: 'anon', value: 'anon-offline', verified: false });
    expect(found.identities).toContainEqual({ kind: 'email', value: 'aiko.offline@example.jp', verified: false });
    expect(found.profile.traits['email']).toBe(email);
    expect(v.of('error'), 'nothing else was refused').toHaveLength(refusals.length);

    // Another workspace does not see it.
    const other = await t.services.tenancy.createWorkspace('Other shop');
    expect((await lookup(email, other.apiToken)).statusCode).toBe(404);
  });

  it('never merges the visitor into the customer who proved that address', async () => {
    t = await startTestApp(factory);
    const url = await listen(t);
    const r = await t.track('/v1/identify', { userId: 'u-aiko', anonymousId: 'anon-home', traits: { email: 'aiko@example.jp', name: 'Aiko' } });
    expect(r.statusCode).toBe(200);
    const owner = await until(async () => {
      const res = await lookup('aiko@example.jp');
      return res.statusCode === 200 ? res.json<Customer>() : null;
    }, 10_000, 'the signed-in customer');

    const v = await visitor(url.ws, { writeKey: t.ws.writeKey, anonymousId: 'anon-stranger' });
    open.push(v);
    v.send({ type: 'contact', email: 'aiko@example.jp' });
    const stranger = await until(async () => {
      const res = await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-stranger');
      if (res.statusCode !== 200) return null;
      const c = res.json<Customer>();
      return c.profile.traits['email'] ? c : null;
    }, 10_000, 'the stranger\'s profile to carry the address').catch(async (e: Error) => {
      throw new Error(`${e.message}: ${(await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-stranger')).body}`);
    });
    expect(stranger.id).not.toBe(owner.id);
    expect(stranger.profile.traits['email'], 'the address is on the profile, for the operator who answers').toBe('aiko@example.jp');
    // It does not become the stranger's identity: the address already belongs to Aiko, proven.
    expect(stranger.identities.filter((i) => i.kind !== 'anon')).toEqual([]);
    expect((await lookup('aiko@example.jp')).json<Customer>().id, 'the address still leads to the one who proved it').toBe(owner.id);
  });
});
