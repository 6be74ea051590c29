import type { Presence } from '@omotenashi/protocol';
import { describe, expect, it } from 'vitest';
import { pickAssignee, type AssignCandidate } from './assign.js';

const op = (id: string, presence: Presence = 'online', load = 0, capacity = 5): AssignCandidate => ({ id, presence, capacity, load });

describe('pickAssignee', () => {
  it('goes round in id order, whatever order the candidates come in', () => {
    const team = [op('opr_c'), op('opr_a'), op('opr_b')];
    expect(pickAssignee(team, null)).toBe('opr_a');
    expect(pickAssignee(team, 'opr_a')).toBe('opr_b');
    expect(pickAssignee(team, 'opr_b')).toBe('opr_c');
    expect(pickAssignee(team, 'opr_c')).toBe('opr_a');
  });

  it('skips operators who are away, offline or full', () => {
    const team = [op('opr_a'), op('opr_b', 'away'), op('opr_c', 'offline'), op('opr_d', 'online', 5, 5), op('opr_e', 'online', 4, 5)];
    expect(pickAssignee(team, 'opr_a')).toBe('opr_e');
    expect(pickAssignee(team, 'opr_e')).toBe('opr_a');
  });

  it('never picks an operator with no capacity, or one over it', () => {
    expect(pickAssignee([op('opr_a', 'online', 0, 0), op('opr_b', 'online', 7, 5)], null)).toBeNull();
  });

  it('picks the last one again when nobody else can take it', () => {
    expect(pickAssignee([op('opr_a'), op('opr_b', 'away')], 'opr_a')).toBe('opr_a');
  });

  it('continues after a cursor naming someone who left', () => {
    expect(pickAssignee([op('opr_a'), op('opr_c')], 'opr_b')).toBe('opr_c');
    expect(pickAssignee([op('opr_a'), op('opr_c')], 'opr_z')).toBe('opr_a');
  });

  it('is null with nobody to pick', () => {
    expect(pickAssignee([], null)).toBeNull();
    expect(pickAssignee([op('opr_a', 'offline')], 'opr_a')).toBeNull();
  });

  it('orders by code unit, not locale', () => {
    expect(pickAssignee([op('b'), op('B'), op('a')], null)).toBe('B');
  });
});
