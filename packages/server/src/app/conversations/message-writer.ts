import { OmotenashiError } from '../../errors.js';
import type { Store } from '../../ports/store.js';
import type { SendInput, SendResult, Tx, WorkspaceContext } from './conversations.js';
import { Outcome } from './outcome.js';

interface Job { input: SendInput; resolve: (r: SendResult) => void; reject: (e: unknown) => void }

/** Most sends one transaction takes: enough to amortise the commit, small enough to keep latency flat. */
const MAX_BATCH = 128;

/**
 * Group commit for messages: sends that arrive while a transaction is running are stored
 * together in the next one, so a thousand messages a second cost tens of commits, not a
 * thousand. Sends to one conversation keep their arrival order (and so their seq order).
 * A send refused by a check (not found, bad attachment) fails alone; a database failure fails
 * the whole batch, and clients retry with their clientMessageId.
 */
export class MessageWriter {
  private queue: Job[] = [];
  private running = false;

  constructor(
    private readonly store: Store,
    /** Reads each workspace's context before the transaction (see WorkspaceContext). */
    private readonly prepare: (workspaceId: string) => Promise<WorkspaceContext>,
    private readonly sendIn: (tx: Tx, input: SendInput, ctx: WorkspaceContext, outcome: Outcome) => Promise<SendResult>,
    private readonly publish: (outcome: Outcome) => void,
  ) {}

  private scheduled = false;

  submit(input: SendInput): Promise<SendResult> {
    return new Promise<SendResult>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Drains on the next turn of the event loop, not inside the caller's frame: every send that
   * arrives from sockets in this turn joins the same commit (better-sqlite3 commits, fsync
   * included, synchronously — a drain started at once would commit each message alone).
   */
  private schedule(): void {
    if (this.running || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const settled: { job: Job; result?: SendResult; error?: unknown; outcome: Outcome }[] = [];
        try {
          const contexts = new Map<string, WorkspaceContext>();
          for (const ws of new Set(batch.map((j) => j.input.workspaceId))) contexts.set(ws, await this.prepare(ws));
          await this.store.transaction(async (tx) => {
            settled.length = 0;
            for (const job of batch) {
              const outcome = new Outcome();
              try {
                settled.push({ job, result: await this.sendIn(tx, job.input, contexts.get(job.input.workspaceId)!, outcome), outcome });
              } catch (err) {
                // Checks run before a send's first write: a refusal leaves the batch clean.
                if (!(err instanceof OmotenashiError)) throw err;
                settled.push({ job, error: err, outcome });
              }
            }
          });
        } catch (err) {
          for (const job of batch) job.reject(err);
          continue;
        }
        for (const s of settled) {
          if (s.error !== undefined) s.job.reject(s.error);
          else {
            this.publish(s.outcome);
            s.job.resolve(s.result!);
          }
        }
      }
    } finally {
      this.running = false;
      if (this.queue.length > 0) this.schedule();
    }
  }
}
