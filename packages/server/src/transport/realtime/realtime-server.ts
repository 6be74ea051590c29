import { CLOSE_CODES, type InvitationFrame, type InvitationSender, type OperatorServerFrame } from '@omotenashi/protocol';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { TOPICS, type ConversationChange, type PresenceSignal, type ReadSignal, type SlaSignal, type TypingSignal } from '../../app/conversations/events.js';
import { conversationView, messageView, visitorConversationView } from '../../app/conversations/views.js';
import type { OnsiteTouch } from '../../app/care/care-effects.js';
import { VISITOR_ACTIVITY_TOPIC, type VisitorActivity } from '../../app/ingest/visitor-activity.js';
import { ActivityThrottle } from './activity-throttle.js';
import type { OnsiteMessageRecord } from '../../ports/store.js';
import type { Services } from '../../services.js';
import { ConnectionRegistry } from './connection-registry.js';
import { HELLO_DEADLINE_MS, IDLE_TIMEOUT_MS, MAX_FRAME_BYTES } from './frames.js';
import { OperatorConnection } from './operator-connection.js';
import { sameOrigin, sessionTokenFromCookies } from '../http/console-session.js';
import type { RealtimeContext } from './realtime-context.js';
import { VisitorConnection } from './visitor-connection.js';

export const VISITOR_PATH = '/v1/realtime';
export const OPERATOR_PATH = '/api/v1/realtime';

export interface RealtimeServer {
  registry: ConnectionRegistry;
  close(): Promise<void>;
}

/**
 * WebSockets on the HTTP server's port: visitors at /v1/realtime, operators at
 * /api/v1/realtime. Everything that happens reaches sockets through the Bus, so a distributed
 * Bus later fans out across processes without touching connections.
 */
export function attachRealtime(app: FastifyInstance, services: Services, opts: { onError?: (err: unknown) => void } = {}): RealtimeServer {
  const registry = new ConnectionRegistry();
  services.metrics.connectionCounts = () => registry.counts();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
  const onError = (err: unknown) => {
    services.metrics.backgroundErrors.inc({ loop: 'realtime' });
    opts.onError?.(err);
  };
  const ctx: RealtimeContext = {
    clock: services.clock, ids: services.ids, registry, sessions: services.visitorSessions, conversations: services.conversations,
    credentials: services.credentials, presence: services.presence, onError,
    typing: (signal) => services.bus.publish(TOPICS.typing, signal),
    replyTarget: async (workspaceId) => (await services.slaPolicies.choose(workspaceId, 'webchat', 'normal')).policy.firstResponseMinutes,
    respondToTouch: (session, touchId, playbook, response) => services.visitorSessions.respondToTouch(session, touchId, playbook, response),
    pendingInvitations: async (session) => {
      const touches = await services.visitorSessions.pendingTouches(session);
      return touches.length ? invitationFrames(session.workspaceId, touches) : [];
    },
  };

  // Shoppers' page changes reach operators only: ingestion notes them only for workspaces with an
  // operator socket here, and each customer's frames are throttled to one a second (the latest wins).
  services.activityAudience.watching = (workspaceId) => registry.hasOperators(workspaceId);
  const activity = new ActivityThrottle<VisitorActivity>(1_000, (a) => {
    try {
      const frame: OperatorServerFrame = { type: 'visitor.activity', customerId: a.customerId, page: a.page, at: a.at };
      for (const o of registry.operatorsOf(a.workspaceId)) o.send(frame);
    } catch (err) {
      onError(err);
    }
  });

  const unsubscribe = [
    services.bus.subscribe(VISITOR_ACTIVITY_TOPIC, (p) => {
      const a = p as VisitorActivity;
      activity.push(`${a.workspaceId}:${a.customerId}`, a);
    }),
    services.bus.subscribe(TOPICS.conversation, (p) => routeChange(p as ConversationChange)),
    services.bus.subscribe(TOPICS.typing, (p) => {
      const t = p as TypingSignal;
      if (t.author === 'customer') {
        for (const o of registry.operatorsOf(t.workspaceId)) o.send({ type: 'typing', conversationId: t.conversationId, typing: t.typing, author: 'customer' });
      } else {
        for (const v of registry.visitorsOf(t.workspaceId, t.customerId)) if (v.knows(t.conversationId)) v.send({ type: 'typing', conversationId: t.conversationId, typing: t.typing, name: t.name });
        for (const o of registry.operatorsOf(t.workspaceId)) {
          if (o.operatorId !== t.operatorId) o.send({ type: 'typing', conversationId: t.conversationId, typing: t.typing, author: 'operator', ...(t.operatorId ? { operatorId: t.operatorId } : {}) });
        }
      }
    }),
    services.bus.subscribe(TOPICS.read, (p) => {
      const r = p as ReadSignal;
      if (r.by === 'customer') for (const o of registry.operatorsOf(r.workspaceId)) o.send({ type: 'read', conversationId: r.conversationId, seq: r.seq, by: 'customer' });
      else for (const v of registry.visitorsOf(r.workspaceId, r.customerId)) if (v.knows(r.conversationId)) v.send({ type: 'read', conversationId: r.conversationId, seq: r.seq });
    }),
    services.bus.subscribe(TOPICS.presence, (p) => {
      const s = p as PresenceSignal;
      for (const o of registry.operatorsOf(s.workspaceId)) o.send({ type: 'presence', operatorId: s.operatorId, presence: s.presence });
    }),
    services.bus.subscribe(TOPICS.sla, (p) => {
      const s = p as SlaSignal;
      const type = s.kind === 'warning' ? 'sla.warning' : 'sla.breached';
      for (const o of registry.operatorsOf(s.workspaceId)) o.send({ type, conversation: conversationView(s.conversation), target: s.target });
    }),
    services.bus.subscribe('touch', (p) => {
      const t = p as OnsiteTouch;
      const visitors = [...registry.visitorsOf(t.workspaceId, t.customerId)];
      if (!visitors.length) return;
      invitationFrames(t.workspaceId, [t.message]).then(([frame]) => {
        if (!frame) return;
        for (const v of visitors) {
          v.rememberTouch(t.message.id, t.message.playbookKey);
          v.send(frame);
        }
      }, onError);
    }),
  ];

  /** The frames for touches, live or sent again after a hello (the sender is looked up once). */
  async function invitationFrames(workspaceId: string, ms: OnsiteMessageRecord[]): Promise<InvitationFrame[]> {
    // A hint is the shop speaking; an invitation comes from a person, named in the bubble.
    const from = ms.some((m) => m.kind === 'invite') ? await invitationSender(workspaceId) : null;
    return ms.map((m) => {
      const base = { type: 'invitation', touchId: m.id, kind: m.kind, playbook: m.playbookKey, content: m.content } as const;
      return m.kind === 'invite' ? { ...base, from } : base;
    });
  }

  /**
   * Who an invitation is from: an operator online now (the one likeliest to answer), else any
   * operator of the workspace, else nobody. The photo URL goes as stored: a path on this server
   * is resolved by the widget against the server it connects to (it knows that base; we may not,
   * behind a proxy). No photo: null, and the widget draws initials.
   */
  async function invitationSender(workspaceId: string): Promise<InvitationSender | null> {
    const ops = (await services.store.listOperators(workspaceId)).filter((o) => o.disabledAt === null);
    const pick = ops.find((o) => o.presence === 'online') ?? ops[0];
    return pick ? { name: pick.name, avatarUrl: pick.avatarUrl ?? null } : null;
  }

  // Counts change with almost every event: pushed at most every 250 ms per workspace.
  const countsDue = new Map<string, NodeJS.Timeout>();
  function pushCounts(workspaceId: string): void {
    if (countsDue.has(workspaceId)) return;
    countsDue.set(workspaceId, setTimeout(() => {
      countsDue.delete(workspaceId);
      // One read for everyone connected; only `mine` differs per operator.
      const operators = [...registry.operatorsOf(workspaceId)];
      const ids = [...new Set(operators.map((o) => o.operatorId).filter((id): id is string => id !== null))];
      services.conversations.countsFor(workspaceId, 'open', ids)
        .then((countsOf) => { for (const o of operators) o.send({ type: 'counts', counts: countsOf(o.operatorId) }); }, onError);
    }, 250));
  }

  function routeChange(ch: ConversationChange): void {
    const c = ch.conversation;
    if (ch.kind === 'message') services.metrics.messagesStored.inc({ author: ch.message.authorType });
    const operators = registry.operatorsOf(ch.workspaceId);
    // Built once per event, and only when some operator is connected.
    let frame: OperatorServerFrame | null = null;
    for (const o of operators) {
      if (!frame) {
        const view = conversationView(c);
        frame = ch.kind === 'created' ? { type: 'conversation.created', conversation: view }
          : ch.kind === 'updated' ? { type: 'conversation.updated', conversation: view, changes: ch.changes }
            : { type: 'message.created', conversation: view, message: messageView(ch.message, 'operator') };
      }
      o.send(frame);
    }
    for (const v of registry.visitorsOf(ch.workspaceId, c.customerId)) {
      v.adopt(c.id);
      if (ch.kind === 'message') v.deliver(ch.message);
      else v.send({ type: 'conversation', conversation: visitorConversationView(c) });
    }
    if (ch.kind !== 'message') pushCounts(ch.workspaceId);
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== VISITOR_PATH && path !== OPERATOR_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      // The console's session cookie stands in for a hello token, but only from our own pages.
      const cookieToken = path === OPERATOR_PATH && sameOrigin(req.headers.origin, req.headers.host) ? sessionTokenFromCookies(req.headers.cookie) : null;
      const conn = path === VISITOR_PATH ? new VisitorConnection(ws, ctx) : new OperatorConnection(ws, ctx, cookieToken);
      registry.track(conn);
      ws.on('error', () => ws.terminate());
    });
  };
  app.server.on('upgrade', onUpgrade);

  // One sweep for every connection (no timer per socket): hello deadlines and silent peers.
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const c of registry.all) {
      const helloMissing = !c.ready;
      if (helloMissing && now - c.openedAt > HELLO_DEADLINE_MS) c.socket.close(CLOSE_CODES.protocolError, 'no hello');
      else if (!helloMissing && now - c.lastFrameAt > IDLE_TIMEOUT_MS) c.socket.terminate();
    }
  }, 5_000);
  sweep.unref();

  return {
    registry,
    async close() {
      clearInterval(sweep);
      for (const t of countsDue.values()) clearTimeout(t);
      for (const u of unsubscribe) u();
      services.activityAudience.watching = () => false;
      activity.close();
      app.server.off('upgrade', onUpgrade);
      for (const c of registry.all) c.socket.close(1001, 'server restarting: reconnect and resume');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
