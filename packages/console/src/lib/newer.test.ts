import { describe, expect, it } from 'vitest';
import { newer } from './newer';

const at = (updatedAt: number, lastSeq: number, status = 'open', id = 'c1') => ({ id, updatedAt, lastSeq, status });

describe('newer', () => {
  it('keeps the rating a socket frame brought when the resolve answer arrives late', () => {
    const rated = at(2_000, 4, 'resolved-and-rated');
    const lateAnswer = at(1_000, 4, 'resolved');
    expect(newer(rated, lateAnswer)).toBe(rated);
    expect(newer(lateAnswer, rated)).toBe(rated);
  });

  it('orders by the latest message when the change times are equal', () => {
    expect(newer(at(1_000, 5), at(1_000, 4)).lastSeq).toBe(5);
    expect(newer(at(1_000, 4), at(1_000, 5)).lastSeq).toBe(5);
  });

  it('takes the incoming state on a full tie and when there is nothing yet', () => {
    const incoming = at(1_000, 4, 'b');
    expect(newer(at(1_000, 4, 'a'), incoming)).toBe(incoming);
    expect(newer(null, incoming)).toBe(incoming);
    const other = at(1, 0, 'open', 'c2');
    expect(newer(at(5_000, 9), other)).toBe(other);
  });
});
