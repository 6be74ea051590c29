import { describe, expect, it } from 'vitest';
import { FailureWindows } from './login-throttle.js';

describe('FailureWindows', () => {
  const policy = { maxFailures: 3, windowMs: 60_000 };

  it('allows up to maxFailures failures, then locks the key until the window ends', () => {
    const w = new FailureWindows(policy);
    w.fail('a', 0);
    w.fail('a', 10);
    expect(w.lockedFor('a', 20), 'two failures: still allowed').toBe(0);
    w.fail('a', 30);
    expect(w.lockedFor('a', 40), 'the third failure locks').toBe(59_960);
    expect(w.lockedFor('b', 40), 'other keys are not affected').toBe(0);
    expect(w.lockedFor('a', 59_999)).toBe(1);
    expect(w.lockedFor('a', 60_000), 'the window has ended').toBe(0);
    w.fail('a', 60_001);
    expect(w.lockedFor('a', 60_002), 'a new window counts from one').toBe(0);
  });

  it('forgets a key on success', () => {
    const w = new FailureWindows(policy);
    for (let i = 0; i < 3; i++) w.fail('a', i);
    w.forget('a');
    expect(w.lockedFor('a', 5)).toBe(0);
    w.fail('a', 6);
    w.fail('a', 7);
    expect(w.lockedFor('a', 8)).toBe(0);
  });

  it('stays within maxKeys, sweeping ended windows first, then the oldest', () => {
    const w = new FailureWindows(policy, 3);
    w.fail('old', 0);
    for (let i = 0; i < 3; i++) w.fail('locked', 1);
    w.fail('c', 2);
    w.fail('d', 70_000); // 'old', 'locked' and 'c' have ended: swept
    expect(w.size).toBe(1);
    for (let i = 0; i < 3; i++) w.fail('e', 70_001);
    w.fail('f', 70_002);
    w.fail('g', 70_003); // full and nothing ended: the oldest ('d') goes
    expect(w.size).toBe(3);
    expect(w.lockedFor('e', 70_004), 'a locked key newer than the dropped one is kept').toBeGreaterThan(0);
  });
});
