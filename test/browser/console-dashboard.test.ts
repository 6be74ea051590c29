import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, launchBrowser, screenshot, startServer, type RunningServer } from '../helpers/browser.js';
import {
  connectVisitor, loginWithApi, newConsolePage, openView, tid, track, until, visible, visitorReceives, visitorSays, type ConsolePage, type Visitor,
} from './console-support.js';

/**
 * Issue 6: the dashboard draws its charts from data seeded through the public interfaces only:
 * playbook decisions (events through /v1/batch, invitations answered over the visitor socket),
 * conversations (visitor socket), operator replies, resolutions and ratings. Each chart must be
 * drawn (a canvas or svg of non-zero size) and show the seeded data (its labels/legend).
 */

const CHARTS = ['funnel', 'held-back', 'first-response', 'sla-attainment', 'satisfaction', 'waits'] as const;
const HINT_NAME = 'Size guide hint';

describeBrowser('console: the dashboard', () => {
  let server: RunningServer;
  let browser: Browser;
  let cp: ConsolePage;
  const visitors: Visitor[] = [];

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    await server.api('POST', '/api/v1/playbooks', {
      key: 'browser-size-hint', name: HINT_NAME, purpose: 'service',
      trigger: { on: { event: 'Size Guide Viewed' } },
      steps: [{ action: 'hint', title: 'Between two sizes?', body: 'Most people take the larger one.' }],
    });
    // Six shoppers: each sees the size guide twice (the second is held back by the cooldown),
    // answers the hint (accepted or dismissed), chats, is answered, resolved and rates.
    const scores = [5, 4, 5, 2, 3, 5];
    for (let i = 0; i < scores.length; i++) {
      const anon = `anon-dash-${i}`;
      await track(server, [{ type: 'identify', anonymousId: anon, traits: { name: `Dashboard shopper ${i}` } }]);
      const v = await connectVisitor(server, anon);
      visitors.push(v);
      await track(server, [{ type: 'track', anonymousId: anon, event: 'Size Guide Viewed', properties: { product_id: `p-${i}` } }]);
      const inv = await visitorReceives(v, (f) => f.type === 'invitation', `the hint for shopper ${i}`);
      v.socket.send({ type: 'invitation.response', touchId: inv['touchId'], response: i % 2 === 0 ? 'accepted' : 'dismissed' });
      await track(server, [{ type: 'track', anonymousId: anon, event: 'Size Guide Viewed', properties: { product_id: `p-${i}-again` } }]);
      const m = await visitorSays(v, `Question ${i}: which size should I take?`);
      await server.api('POST', `/api/v1/conversations/${m.conversationId}/messages`, { text: `Answer ${i}: the larger one.` });
      await server.api('POST', `/api/v1/conversations/${m.conversationId}/status`, { status: 'resolved' });
      await visitorReceives(v, (f) => f.type === 'conversation' && f['conversation'].csatRequested === true, `the rating request for shopper ${i}`);
      v.socket.send({ type: 'csat', conversationId: m.conversationId, score: scores[i] });
    }
    await until(async () => {
      const r = await server.api<{ items: { key: string; outcomes: { fired: number; heldBack: number } }[] }>('GET', '/api/v1/playbooks');
      const p = r.items.find((x) => x.key === 'browser-size-hint');
      return p && p.outcomes.fired >= 6 && p.outcomes.heldBack >= 1;
    }, 'the seeded decisions (6 fired, some held back) in GET /api/v1/playbooks', 15_000, 250);
    cp = await newConsolePage(browser);
    await loginWithApi(cp.context, server);
  }, 120_000);

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
    await server?.stop();
  });

  it('draws every chart from the seeded data', async () => {
    const { page } = cp;
    await openView(page, server, '/dashboard', 'dashboard', 'the dashboard');
    for (const name of CHARTS) {
      const chart = await visible(tid(page, `chart-${name}`), `chart-${name}`, 15_000);
      const size = await until(async () => {
        const box = await chart.locator('canvas, svg').first().boundingBox({ timeout: 1_000 }).catch(() => null);
        return box && box.width > 0 && box.height > 0 ? box : null;
      }, `chart-${name} to draw a canvas or svg of non-zero size`, 15_000);
      expect(size.width).toBeGreaterThan(0);
      const text = (await chart.textContent()) ?? '';
      expect(text.trim().length, `chart-${name} has labels or a legend`).toBeGreaterThan(0);
    }
    // The data shows: the playbook by name in the funnel, the held-back reason, the ratings.
    await until(async () => ((await tid(page, 'chart-funnel').textContent()) ?? '').includes(HINT_NAME) || ((await tid(page, 'chart-funnel').textContent()) ?? '').includes('browser-size-hint'),
      `the funnel to name the playbook "${HINT_NAME}"`, 10_000);
    // The seeded numbers: 6 hints fired and shown, 3 dismissed, 3 engaged (accepted), as the report route counts them.
    const report = await server.api<{ playbooks: { playbookKey: string; fired: number; shown: number; dismissed: number; engaged: number }[] }>('GET', '/api/v1/reports/playbooks');
    const mine = report.playbooks.find((p) => p.playbookKey === 'browser-size-hint');
    expect(mine).toMatchObject({ fired: 6, shown: 6, dismissed: 3, engaged: 3 });
    const row = tid(page, 'chart-funnel').locator('tr', { hasText: HINT_NAME });
    const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
    expect(cells.slice(0, 4), `the funnel table row of "${HINT_NAME}"`).toEqual(['6', '6', '3', '3']);
    await screenshot(page, 'console-dashboard');
    expect(cp.errors.filter((e) => !/Failed to load resource/.test(e)), 'no page errors').toEqual([]);
  }, 60_000);
});
