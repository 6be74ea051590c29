import { createHash } from 'node:crypto';
import { LIMITS } from '@omotenashi/protocol';
import type { NormalizedEvent } from '../../domain/events/normalized-event.js';
import { validateEvent } from '../../domain/events/validate-event.js';
import type { Services } from '../../services.js';
import { splitLines } from './split-lines.js';

export interface LineError {
  line: number;
  /** Where in the event, e.g. `properties.total`; '' for the line as a whole. */
  path: string;
  message: string;
}

export interface ImportCounts {
  /** Non-blank lines read: accepted + duplicates + suppressed + invalid once finished. */
  lines: number;
  blankLines: number;
  /** Bytes of input consumed (decompressed), for progress. */
  bytes: number;
  accepted: number;
  duplicates: number;
  suppressed: number;
  invalid: number;
}

export interface ImportSummary extends ImportCounts {
  /** Every problem of the first `maxErrors` invalid lines (a line can have several). */
  errors: LineError[];
  /** True when stopped early (Ctrl-C); everything counted was stored. */
  interrupted: boolean;
  durationMs: number;
}

export interface ImportOptions {
  batchSize: number;
  /** Batches submitted but not yet committed; a few keep group commit busy while we parse. */
  maxInFlight?: number;
  maxErrors?: number;
  /** Called after every committed batch and every invalid line, with running totals. */
  onProgress?: (counts: Readonly<ImportCounts>) => void;
  /** Checked between lines: true stops reading (what was read is still stored). */
  shouldStop?: () => boolean;
}

/**
 * A line may be longer than the 32 KB event limit only by whitespace; beyond this it is
 * refused without being buffered, so one corrupt endless line cannot exhaust memory.
 */
export const MAX_LINE_BYTES = 4 * LIMITS.eventBytes;

type Settled = { ok: true } | { ok: false; error: unknown };

/**
 * Imports NDJSON Segment calls (one call with its `type` per line, as Segment's exports and
 * `analytics.track` payloads look) through the same validation and group-commit ingestion the
 * HTTP API uses, so identities, merges and profiles are built exactly as for live traffic.
 * Invalid lines are counted and reported, never fatal. Re-importing is idempotent: events are
 * de-duplicated on messageId, and a line without one gets a messageId derived from its content.
 */
export async function importEvents(services: Services, workspaceId: string, input: AsyncIterable<Buffer | string>, opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  const maxErrors = opts.maxErrors ?? 20;
  const maxInFlight = opts.maxInFlight ?? 4;
  const counts: ImportCounts = { lines: 0, blankLines: 0, bytes: 0, accepted: 0, duplicates: 0, suppressed: 0, invalid: 0 };
  const errors: LineError[] = [];
  const inFlight: Promise<Settled>[] = [];
  let batch: NormalizedEvent[] = [];
  let interrupted = false;
  let failure: { error: unknown } | null = null;

  const reject = (line: number, issues: { path: string; message: string }[]) => {
    if (counts.invalid < maxErrors) for (const i of issues) errors.push({ line, ...i });
    counts.invalid++;
    opts.onProgress?.(counts);
  };
  const submit = () => {
    const events = batch;
    batch = [];
    inFlight.push(services.ingest.submit(workspaceId, events).then(
      (r) => {
        counts.accepted += r.accepted;
        counts.duplicates += r.duplicates;
        counts.suppressed += r.suppressed;
        opts.onProgress?.(counts);
        return { ok: true } as const;
      },
      (error: unknown) => ({ ok: false, error }) as const,
    ));
  };
  const settleOldest = async (): Promise<{ error: unknown } | null> => {
    const r = await inFlight.shift()!;
    return r.ok ? null : { error: r.error };
  };

  for await (const raw of splitLines(input, MAX_LINE_BYTES)) {
    if (opts.shouldStop?.()) {
      interrupted = true;
      break;
    }
    counts.bytes += raw.bytes + 1;
    if (raw.problem === 'too_long') {
      counts.lines++;
      reject(raw.no, [{ path: '', message: `line is ${raw.bytes} bytes long; an event may be at most ${LIMITS.eventBytes} bytes as JSON` }]);
      continue;
    }
    if (raw.problem === 'not_utf8' || raw.text === null) {
      counts.lines++;
      reject(raw.no, [{ path: '', message: 'line is not valid UTF-8 text' }]);
      continue;
    }
    if (raw.text.trim() === '') {
      counts.blankLines++;
      continue;
    }
    counts.lines++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.text);
    } catch (err) {
      reject(raw.no, [{ path: '', message: `not valid JSON: ${(err as Error).message}` }]);
      continue;
    }
    const result = validateEvent(parsed, {
      path: '', impliedType: null, receivedAt: services.clock.now(), sentAt: null, newMessageId: () => services.ids.next('event'),
    });
    if (!result.ok) {
      reject(raw.no, result.issues.map((i) => ({ path: i.path, message: i.message })));
      continue;
    }
    const event = result.event;
    if (!event.messageIdGiven) {
      event.messageId = `import-${createHash('sha256').update(event.raw).digest('base64url').slice(0, 32)}`;
      event.messageIdGiven = true;
    }
    batch.push(event);
    if (batch.length >= opts.batchSize) {
      submit();
      if (inFlight.length >= maxInFlight) failure = await settleOldest();
      if (failure) break;
    }
  }
  if (batch.length > 0 && !failure) submit();
  while (inFlight.length > 0) failure = (await settleOldest()) ?? failure;
  if (failure) throw failure.error;
  return { ...counts, errors, interrupted, durationMs: Math.round(performance.now() - started) };
}
