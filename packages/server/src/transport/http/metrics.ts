import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per app instance (tests build many apps). */
export class Metrics {
  readonly registry = new Registry();
  readonly eventsAccepted = new Counter({ name: 'omotenashi_events_accepted_total', help: 'Events stored', registers: [this.registry] });
  readonly eventsDuplicate = new Counter({ name: 'omotenashi_events_duplicate_total', help: 'Events not stored again because their messageId was already stored', registers: [this.registry] });
  readonly eventsSuppressed = new Counter({ name: 'omotenashi_events_suppressed_total', help: 'Events dropped because they name an erased person', registers: [this.registry] });
  readonly eventsRejected = new Counter({ name: 'omotenashi_events_rejected_total', help: 'Ingestion requests refused, by error code', labelNames: ['code'] as const, registers: [this.registry] });
  readonly httpDuration = new Histogram({
    name: 'omotenashi_http_request_duration_seconds', help: 'HTTP request latency', labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly flushDuration = new Histogram({
    name: 'omotenashi_ingest_flush_duration_seconds', help: 'Time to store one group commit of events',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [this.registry],
  });
  readonly flushEvents = new Histogram({
    name: 'omotenashi_ingest_flush_events', help: 'Events per group commit', buckets: [1, 10, 100, 500, 1000, 2500, 5000], registers: [this.registry],
  });

  readonly timersFired = new Counter({ name: 'omotenashi_timers_fired_total', help: 'Durable timers fired (dwell, absence, dates, ladder steps)', registers: [this.registry] });
  readonly decisions = new Counter({ name: 'omotenashi_decisions_total', help: 'Playbook decisions recorded (fired or held back)', registers: [this.registry] });
  readonly timerLateness = new Histogram({
    name: 'omotenashi_timer_lateness_seconds', help: 'How late a timer was handed to the pipeline after its due time',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [this.registry],
  });

  readonly backgroundErrors = new Counter({
    name: 'omotenashi_background_errors_total', help: 'Failures of background loops (retried), by loop', labelNames: ['loop'] as const, registers: [this.registry],
  });

  /** Set by the realtime server: live sockets by kind, read at scrape time. */
  connectionCounts: () => { visitor: number; operator: number } = () => ({ visitor: 0, operator: 0 });
  readonly realtimeConnections = new Gauge({
    name: 'omotenashi_realtime_connections', help: 'Open WebSocket connections, by kind', labelNames: ['kind'] as const, registers: [this.registry],
    collect: () => {
      const c = this.connectionCounts();
      this.realtimeConnections.set({ kind: 'visitor' }, c.visitor);
      this.realtimeConnections.set({ kind: 'operator' }, c.operator);
    },
  });
  readonly messagesStored = new Counter({ name: 'omotenashi_messages_total', help: 'Conversation messages stored, by author type', labelNames: ['author'] as const, registers: [this.registry] });

  constructor(defaults = false) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
