import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { storeFactories } from './helpers/stores.js';

interface Task { id: string; customerId: string; title: string; status: string; priority: string; dueAt: string | null; team: string | null; owner: string | null; playbookKey: string | null; decisionId: string | null; context: Record<string, unknown> }
interface SuggestionLite { key: string; kind: string }

/**
 * POST /api/v1/tasks: a staff task written down by hand (the console's "Add to tasks" on a
 * suggestion). It joins the tasks list beside the playbooks' own, a bad field is refused by
 * name with nothing stored, another workspace's customer is not found, and a suggestion made
 * into a task is not suggested again.
 */
describe.each(await storeFactories())('manual staff tasks on $name', (factory) => {
  let t: TestApp;
  let customerId: string;
  beforeEach(async () => {
    t = await startTestApp(factory);
    const r = await t.track('/v1/identify', { anonymousId: 'anon-ana', traits: { first_name: 'Ana', birthday: '1990-11-27' } });
    expect(r.statusCode).toBe(200);
    customerId = (await t.api('GET', '/api/v1/customers/lookup?anonymousId=anon-ana')).json<{ id: string }>().id;
  });
  afterEach(async () => {
    await t?.close();
  });

  const create = (body: Record<string, unknown>, token?: string) => t.api('POST', '/api/v1/tasks', body, token);

  it('creates an open task with its note, team, owner and due time, listed with the others', async () => {
    const r = await create({ customerId, title: '  Send a birthday card  ', note: 'She likes sencha', team: 'packing', owner: 'yuki', dueAt: '2026-11-26T09:00:00+09:00' });
    expect(r.statusCode, r.body).toBe(201);
    const task = r.json<Task>();
    expect(task).toMatchObject({
      customerId, title: 'Send a birthday card', status: 'open', priority: 'normal', team: 'packing', owner: 'yuki',
      dueAt: '2026-11-26T00:00:00.000Z', playbookKey: null, decisionId: null,
      context: { source: 'manual', note: 'She likes sencha' },
    });
    expect(task.id).toMatch(/^tsk_/);
    const listed = (await t.api('GET', `/api/v1/tasks?status=open&customerId=${customerId}`)).json<{ items: Task[] }>().items;
    expect(listed.map((x) => x.id)).toEqual([task.id]);
    // It is claimed and resolved like any task.
    expect((await t.api('POST', `/api/v1/tasks/${task.id}/claim`)).statusCode).toBe(200);
    expect((await t.api('POST', `/api/v1/tasks/${task.id}/resolve`, { resolution: 'card posted' })).json<Task>().status).toBe('resolved');
  });

  it('takes only the title and the customer; the rest is optional', async () => {
    const r = await create({ customerId, title: 'Call back about the return' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json<Task>()).toMatchObject({ title: 'Call back about the return', dueAt: null, team: null, owner: null, context: { note: null } });
  });

  it('refuses bad fields by name, on both sides of each limit, and stores nothing', async () => {
    const refusals: [Record<string, unknown>, string][] = [
      [{ title: 'x' }, 'customerId'],
      [{ customerId }, 'title'],
      [{ customerId, title: '   ' }, 'title must not be blank'],
      [{ customerId, title: 'x'.repeat(201) }, 'title'],
      [{ customerId, title: 'x', note: 'n'.repeat(2001) }, 'note'],
      [{ customerId, title: 'x', team: 't'.repeat(51) }, 'team'],
      [{ customerId, title: 'x', owner: 'o'.repeat(101) }, 'owner'],
      [{ customerId, title: 'x', dueAt: 'tomorrow' }, 'dueAt must be an ISO 8601 date-time with a zone'],
      [{ customerId, title: 'x', dueAt: '2026-12-24T09:00:00' }, 'dueAt must be an ISO 8601 date-time with a zone'],
      [{ customerId, title: 'x', dueAt: '2026-02-30T09:00:00Z' }, 'dueAt must be an ISO 8601 date-time with a zone'],
      [{ customerId, title: 'x', dueAt: '2026-12-24' }, 'dueAt must be an ISO 8601 date-time with a zone'],
      [{ customerId, title: 'x', dueAt: '1999-12-31T23:59:59Z' }, 'between 2000 and 2099'],
      [{ customerId, title: 'x', priority: 'urgent' }, 'priority is not a known field'],
    ];
    for (const [body, says] of refusals) {
      const r = await create(body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.json<{ error: { code: string; message: string } }>().error, JSON.stringify(body)).toMatchObject({ code: 'validation_failed', message: expect.stringContaining(says) });
    }
    expect(await t.count('tasks')).toBe(0);
    // Exactly at the limits is accepted.
    const longest = await create({ customerId, title: 'x'.repeat(200), note: 'n'.repeat(2000), team: 't'.repeat(50), owner: 'o'.repeat(100), dueAt: '2000-01-01T00:00:00Z' });
    expect(longest.statusCode, longest.body).toBe(201);
    expect(await t.count('tasks')).toBe(1);
  });

  it('does not reach another workspace\'s customer, nor show its tasks there', async () => {
    const other = await t.services.tenancy.createWorkspace('Other shop');
    const r = await create({ customerId, title: 'Peek' }, other.apiToken);
    expect(r.statusCode).toBe(404);
    expect(r.json<{ error: { code: string } }>().error.code).toBe('not_found');
    expect(await t.count('tasks')).toBe(0);
    expect((await create({ customerId, title: 'Ours' })).statusCode).toBe(201);
    expect((await t.api('GET', '/api/v1/tasks', undefined, other.apiToken)).json<{ items: Task[] }>().items).toEqual([]);
  });

  it('a suggestion made into a task is not suggested again', async () => {
    const suggestions = async () => (await t.api('GET', `/api/v1/customers/${customerId}/suggestions`)).json<{ suggestions: SuggestionLite[] }>().suggestions;
    const moment = (await suggestions()).find((s) => s.kind === 'moment');
    expect(moment?.key).toBe('moment:birthday:2026-11-27');
    expect((await create({ customerId, title: 'Send a birthday note', suggestionKey: moment!.key })).statusCode).toBe(201);
    expect((await suggestions()).some((s) => s.kind === 'moment')).toBe(false);
  });
});
