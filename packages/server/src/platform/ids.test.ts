import { describe, expect, it } from 'vitest';
import { IdGenerator } from './ids.js';

describe('time-ordered ids', () => {
  it('sort in creation order, also within one millisecond', () => {
    let t = 1_700_000_000_000;
    const gen = new IdGenerator(() => t);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      if (i % 100 === 0) t++;
      ids.push(gen.next('event'));
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    expect(ids[0]).toMatch(/^evt_[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('stay monotonic when the clock steps back', () => {
    let t = 1_700_000_000_000;
    const gen = new IdGenerator(() => t);
    const a = gen.next('customer');
    t -= 5000;
    const b = gen.next('customer');
    expect(b > a).toBe(true);
  });
});
