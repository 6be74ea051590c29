import type { ConversationsReport } from '@omotenashi/protocol';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { csatReport, firstResponseReport, slaReport, waitingNow } from '../../../app/conversations/reports.js';
import type { Services } from '../../../services.js';
import { authenticate } from '../auth.js';
import { ReportDaysQuery as DaysQuery, bearer } from '../schemas.js';


/**
 * The console dashboard's conversation panel in one call: first-response times against the
 * default target, SLA attainment, satisfaction and who is waiting now. Everything but "waiting
 * now" comes from counters kept per UTC day, so its cost does not grow with the inbox.
 */
export function conversationReportRoutes(app: FastifyInstance, s: Services): void {
  app.get<{ Querystring: Static<typeof DaysQuery> }>('/api/v1/reports/conversations', {
    schema: {
      tags: ['reports'],
      summary: 'Over the last `days` UTC days (today included): first-response distribution and per-day median / p90, SLA attainment, satisfaction trend; and the conversations waiting now',
      querystring: DaysQuery, security: bearer,
    },
  }, async (req): Promise<ConversationsReport> => {
    const auth = await authenticate(s, req);
    const days = req.query.days ?? 30;
    const now = s.clock.now();
    const ws = auth.workspaceId;
    const [policies, sla, satisfaction, waiting] = await Promise.all([
      s.slaPolicies.list(ws), slaReport(s.store, ws, now, days), csatReport(s.store, ws, now, days), waitingNow(s.store, ws, now),
    ]);
    const firstResponse = await firstResponseReport(s.store, ws, now, days, policies);
    const { days: _sd, ...slaRest } = sla;
    const { days: _cd, ...csatRest } = satisfaction;
    return { days, firstResponse, sla: slaRest, satisfaction: csatRest, waitingNow: waiting };
  });
}
