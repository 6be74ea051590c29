import { describe, expect, it, vi } from 'vitest';
import { BatchQueue, type SendResult } from './batch-queue.js';

function setup(results: SendResult[] = []) {
  vi.useFakeTimers();
  const sent: { items: number[]; beacon: boolean }[] = [];
  const q = new BatchQueue<number>({
    send: (items, beacon) => {
      sent.push({ items, beacon });
      return results.shift() ?? 'ok';
    },
    timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (id) => clearTimeout(id as number) },
  });
  return { q, sent };
}

describe('BatchQueue', () => {
  it('flushes 2 s after the first event, all waiting events in one batch', async () => {
    const { q, sent } = setup();
    q.push(1);
    await vi.advanceTimersByTimeAsync(1_000);
    q.push(2);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent).toEqual([{ items: [1, 2], beacon: false }]);
    vi.useRealTimers();
  });

  it('flushes at once when 20 events wait', async () => {
    const { q, sent } = setup();
    for (let i = 0; i < 20; i++) q.push(i);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.items).toHaveLength(20);
    q.push(20);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent[1]!.items).toEqual([20]);
    vi.useRealTimers();
  });

  it('puts a failed batch back in front and retries later; a refused one is dropped', async () => {
    const { q, sent } = setup(['retry', 'ok', 'drop']);
    q.push(1);
    await vi.advanceTimersByTimeAsync(2_000);
    q.push(2);
    expect(q.size).toBe(2);
    await vi.advanceTimersByTimeAsync(4_000); // backed off: twice the interval
    expect(sent.map((s) => s.items)).toEqual([[1], [1, 2]]);
    expect(q.size).toBe(0);
    q.push(3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(q.size).toBe(0);
    expect(sent.map((s) => s.items)).toEqual([[1], [1, 2], [3]]);
    vi.useRealTimers();
  });

  it('on page hide sends everything as beacons, in batches of 20', async () => {
    const { q, sent } = setup();
    for (let i = 0; i < 25; i++) q.push(i);
    await vi.advanceTimersByTimeAsync(0); // the first 20 went out normally
    for (let i = 25; i < 30; i++) q.push(i);
    await q.flush(true);
    expect(sent.map((s) => [s.items.length, s.beacon])).toEqual([[20, false], [10, true]]);
    expect(q.size).toBe(0);
    vi.useRealTimers();
  });

  it('on page hide no batch waits for the one before it; a failed one is kept and tried again', async () => {
    vi.useFakeTimers();
    const sent: { items: number[]; beacon: boolean }[] = [];
    let release = (): void => {};
    const q = new BatchQueue<number>({
      send: (items, beacon) => {
        sent.push({ items, beacon });
        // Ordinary sends hang until released, so the events below stay queued.
        if (!beacon) return new Promise<SendResult>((res) => (release = () => res('ok')));
        // The first beacon was refused and fell back to fetch: its answer comes later, a failure.
        if (sent.filter((s) => s.beacon).length === 1) return new Promise<SendResult>((res) => setTimeout(() => res('retry'), 1_000));
        return 'ok';
      },
      timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (id) => clearTimeout(id as number) },
      maxBatch: 2,
    });
    q.push(0);
    q.push(1); // a full batch: sent at once, and hangs
    for (let i = 2; i < 7; i++) q.push(i);
    const done = q.flush(true);
    expect(sent.filter((s) => s.beacon).map((s) => s.items)).toEqual([[2, 3], [4, 5], [6]]); // all left at once
    await vi.advanceTimersByTimeAsync(1_000);
    await done;
    expect(q.size).toBe(2); // the failed batch is back in the queue
    release();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(sent.at(-1)).toEqual({ items: [2, 3], beacon: false });
    vi.useRealTimers();
  });
});
