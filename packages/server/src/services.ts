import { CareQueue } from './app/care/care-queue.js';
import { snapshot } from './app/care/care-effects.js';
import { PlaybookRegistry } from './app/care/playbook-registry.js';
import { Playbooks } from './app/care/playbooks.js';
import { TimerScheduler } from './app/care/timer-scheduler.js';
import { WebhookDispatcher } from './app/care/webhook-dispatcher.js';
import { Credentials } from './app/credentials.js';
import { Attachments } from './app/conversations/attachments.js';
import { ConversationSettingsReader } from './app/conversations/conversation-settings.js';
import { Conversations } from './app/conversations/conversations.js';
import { OperatorPresence } from './app/conversations/presence.js';
import { SlaMonitor } from './app/conversations/sla-monitor.js';
import { SlaPolicies } from './app/conversations/sla-policies.js';
import { VisitorSessions } from './app/conversations/visitor-sessions.js';
import { ConversationWebhooks } from './app/conversations/webhook-events.js';
import { forwardConversationSignals } from './app/conversations/care-signals.js';
import { InProcessBus, type Bus } from './ports/bus.js';
import { Customers } from './app/customers.js';
import { IngestService } from './app/ingest/ingest-service.js';
import { VISITOR_ACTIVITY_TOPIC, type ActivityAudience } from './app/ingest/visitor-activity.js';
import { Merges } from './app/merges.js';
import { Tenancy } from './app/tenancy.js';
import type { Config } from './config/config.js';
import { MmdbGeo } from './geo/mmdb-geo.js';
import { IdGenerator } from './platform/ids.js';
import { systemClock, type Clock } from './ports/clock.js';
import type { GeoLookup } from './ports/geo.js';
import type { Store } from './ports/store.js';
import type { ConnectOptions } from './storage/connect.js';
import { createStore } from './storage/kysely-store.js';
import { Metrics } from './transport/http/metrics.js';

/** Everything the transports need, wired once: the composition root's product. */
export interface Services {
  store: Store;
  clock: Clock;
  ids: IdGenerator;
  geo: GeoLookup | null;
  credentials: Credentials;
  tenancy: Tenancy;
  customers: Customers;
  merges: Merges;
  ingest: IngestService;
  metrics: Metrics;
  bus: Bus;
  registry: PlaybookRegistry;
  playbooks: Playbooks;
  careQueue: CareQueue;
  scheduler: TimerScheduler;
  webhooks: WebhookDispatcher;
  conversations: Conversations;
  attachments: Attachments;
  conversationSettings: ConversationSettingsReader;
  conversationWebhooks: ConversationWebhooks;
  slaPolicies: SlaPolicies;
  slaMonitor: SlaMonitor;
  visitorSessions: VisitorSessions;
  presence: OperatorPresence;
  /** Who watches shoppers live; the realtime layer replaces `watching` when it attaches. */
  activityAudience: ActivityAudience;
  /** Starts the background loops (timers, webhook deliveries); `serve` calls it, tests may. */
  startBackground(): void;
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: Clock;
  /** `false` turns IP geolocation off (tests that don't need it start faster). */
  geo?: GeoLookup | false;
  defaultMetrics?: boolean;
  /** Allow webhooks to private/loopback addresses (tests, on-premise receivers). */
  allowPrivateWebhooks?: boolean;
  /** How long an operator whose last socket closed stays online (default 5 s: a reload reconnects within it). */
  presenceGraceMs?: number;
  /** Where background loops (timers, webhooks) report failures they retry; `serve` logs them. */
  onBackgroundError?: (loop: 'timers' | 'webhooks' | 'bus' | 'sla' | 'realtime' | 'channels', err: unknown) => void;
}

export function createServices(store: Store, options: ServiceOptions = {}): Services {
  const clock = options.clock ?? systemClock;
  const ids = new IdGenerator(() => clock.now());
  const geo = options.geo === false ? null : options.geo ?? null;
  const metrics = new Metrics(options.defaultMetrics ?? false);
  const credentials = new Credentials(store, clock);
  const bus = new InProcessBus((topic, err) => {
    metrics.backgroundErrors.inc({ loop: 'bus' });
    options.onBackgroundError?.('bus', Object.assign(err instanceof Error ? err : new Error(String(err)), { topic }));
  });
  const registry = new PlaybookRegistry(store, clock);
  const activityAudience: ActivityAudience = { watching: () => false };
  const ingest = new IngestService(store, {
    ids, geo, clock,
    careFor: (ws) => registry.careFor(ws),
    observer: {
      onFlush: ({ events, ms, timersFired, decisions }) => {
        metrics.flushDuration.observe(ms / 1000);
        metrics.flushEvents.observe(events);
        if (timersFired) metrics.timersFired.inc(timersFired);
        if (decisions) metrics.decisions.inc(decisions);
      },
      onTouch: (t) => bus.publish('touch', t),
      watchingActivity: (ws) => activityAudience.watching(ws),
      onActivity: (a) => bus.publish(VISITOR_ACTIVITY_TOPIC, a),
    },
  });
  const backgroundError = (loop: 'timers' | 'webhooks' | 'sla' | 'realtime' | 'channels') => (err: unknown) => {
    metrics.backgroundErrors.inc({ loop });
    options.onBackgroundError?.(loop, err);
  };
  const scheduler = new TimerScheduler(store, ingest, clock, { onLateness: (ms) => metrics.timerLateness.observe(ms / 1000), onError: backgroundError('timers') });
  const webhooks = new WebhookDispatcher(store, clock, { allowPrivate: options.allowPrivateWebhooks ?? false, onError: backgroundError('webhooks') });
  const conversationSettings = new ConversationSettingsReader(store, clock);
  const conversationWebhooks = new ConversationWebhooks(store, ids, clock);
  const slaPolicies = new SlaPolicies(store, clock);
  const conversations = new Conversations({
    store, ids, clock, bus, policies: slaPolicies, webhooks: conversationWebhooks, settings: conversationSettings,
    onDeliveryError: backgroundError('channels'),
    // A low score puts a person on it: an item in the "needs you now" queue.
    // The customer snapshot (as on playbook alerts) lets the queue name who is unhappy; one row read.
    onLowCsat: async (tx, c, score, comment) => {
      let customer = await tx.getCustomer(c.workspaceId, c.customerId);
      if (customer?.mergedInto) customer = (await tx.getCustomer(c.workspaceId, customer.mergedInto)) ?? customer;
      await tx.insertCareItems('care_items', [{
        id: ids.next('careItem'), workspaceId: c.workspaceId, customerId: c.customerId, decisionId: null, playbookKey: null,
        title: `Unhappy after a conversation (${score}/5)`, priority: 'high',
        context: { reason: 'low_csat', conversationId: c.id, score, comment, ...(customer ? { customer: snapshot(customer.profile) } : {}) }, status: 'open', claimedBy: null, claimedAt: null,
        resolvedAt: null, resolution: null, createdAt: clock.now(),
      }]);
    },
  });
  const attachments = new Attachments({ store, ids, clock });
  const slaMonitor = new SlaMonitor(store, conversations, clock, { onError: backgroundError('sla') });
  const visitorSessions = new VisitorSessions({ store, credentials, settings: conversationSettings, ingest, ids, clock });
  const presence = new OperatorPresence({ store, bus, settings: conversationSettings, conversations, onError: backgroundError('realtime'), graceMs: options.presenceGraceMs ?? 5_000 });
  const stopSignals = forwardConversationSignals({ bus, store, ingest, ids, clock, onError: backgroundError('sla') });
  let background = false;
  return {
    store, clock, ids, geo, metrics, credentials, ingest, bus, registry, scheduler, webhooks,
    conversations, attachments, conversationSettings, conversationWebhooks, slaPolicies, slaMonitor, visitorSessions, presence, activityAudience,
    tenancy: new Tenancy(store, ids, clock, credentials),
    customers: new Customers(store, ids, clock),
    merges: new Merges(store, clock, geo),
    playbooks: new Playbooks(store, ids, clock, registry),
    careQueue: new CareQueue(store, clock, ids),
    startBackground() {
      background = true;
      scheduler.start();
      webhooks.start();
      slaMonitor.start();
    },
    async close() {
      stopSignals();
      presence.stop();
      if (background) {
        await scheduler.stop();
        await webhooks.stop();
        await slaMonitor.stop();
      }
      await ingest.close();
      await store.close();
    },
  };
}

/** Opens the configured database, migrates it, and wires the services. */
export async function openServices(config: Config, options: ServiceOptions & ConnectOptions = {}): Promise<Services> {
  const store = createStore(config.database, { sqliteSynchronous: config.sqliteSynchronous, ...options });
  await store.migrate();
  const geo = options.geo ?? (config.geoipMmdb ? new MmdbGeo([config.geoipMmdb]) : MmdbGeo.bundled());
  return createServices(store, { ...options, geo });
}
