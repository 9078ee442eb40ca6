import { describe, expect, it } from 'vitest';
import { readingState, toPersonName } from './risNames';

describe('toPersonName', () => {
  it('turns what a clerk types into PN, family name first', () => {
    expect(toPersonName('Brooks, Elaine')).toBe('BROOKS^ELAINE');
    expect(toPersonName('Elaine  Brooks')).toBe('BROOKS^ELAINE');
    expect(toPersonName('Mary Ann Smith')).toBe('SMITH^MARY ANN');
    expect(toPersonName('brooks^elaine^^dr')).toBe('BROOKS^ELAINE^^DR');
    expect(toPersonName('Osei')).toBe('OSEI');
    expect(toPersonName('  ')).toBe('');
  });
});

describe('readingState', () => {
  it('puts received, unverified and verified studies on the unread list', () => {
    for (const s of ['received', 'unverified', 'verified']) expect(readingState(s, 'completed')).toBe('unread');
    expect(readingState('verified', undefined)).toBe('unread');
  });
  it('says in progress while the modality has not completed the step, and read or hold whatever the order', () => {
    expect(readingState('received', 'in-progress')).toBe('in-progress');
    expect(readingState('read', 'in-progress')).toBe('read');
    expect(readingState('hold', 'completed')).toBe('hold');
  });
});
