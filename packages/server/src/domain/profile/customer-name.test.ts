import { describe, expect, it } from 'vitest';
import { firstNameOf, fullNameOf } from './customer-name.js';

describe('customer names from traits', () => {
  it('prefers name, else joins first and last name in either spelling', () => {
    expect(fullNameOf({ name: ' Hana Sato ', firstName: 'X' })).toBe('Hana Sato');
    expect(fullNameOf({ firstName: 'Hana', lastName: 'Sato' })).toBe('Hana Sato');
    expect(fullNameOf({ first_name: 'Hana', last_name: 'Sato' })).toBe('Hana Sato');
    expect(fullNameOf({ last_name: 'Sato' })).toBe('Sato');
  });
  it('ignores blanks and values that are not text', () => {
    expect(fullNameOf({ name: '  ', firstName: 42, lastName: null })).toBeNull();
    expect(fullNameOf({})).toBeNull();
    expect(firstNameOf({ name: 7 })).toBeNull();
  });
  it('takes the first name from firstName, first_name, else the first word of name', () => {
    expect(firstNameOf({ firstName: 'Aiko', name: 'Ana Lima' })).toBe('Aiko');
    expect(firstNameOf({ first_name: 'Aiko' })).toBe('Aiko');
    expect(firstNameOf({ name: 'Ana Lima' })).toBe('Ana');
  });
});
