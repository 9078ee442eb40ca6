import { describe, expect, it } from 'vitest';
import { clockOverrideAllowed, overrideFrom, parseClockOverride } from './clock';

describe('clock override', () => {
  it('parses ISO dates and epoch milliseconds, ignores anything else', () => {
    expect(parseClockOverride('2027-01-02T03:04:05.000Z')?.toISOString()).toBe('2027-01-02T03:04:05.000Z');
    expect(parseClockOverride('1798254245000')?.getTime()).toBe(1798254245000);
    expect(parseClockOverride('tomorrow')).toBeNull();
    expect(parseClockOverride('')).toBeNull();
  });

  it('is honoured outside production, or in production only when PACSLAB_ALLOW_CLOCK_OVERRIDE=1', () => {
    const get = () => '2027-01-02T00:00:00Z';
    expect(overrideFrom(get, { NODE_ENV: 'test' } as NodeJS.ProcessEnv)?.toISOString()).toBe('2027-01-02T00:00:00.000Z');
    expect(overrideFrom(get, { NODE_ENV: 'production' } as NodeJS.ProcessEnv)).toBeNull();
    expect(clockOverrideAllowed({ NODE_ENV: 'production', PACSLAB_ALLOW_CLOCK_OVERRIDE: '1' } as NodeJS.ProcessEnv)).toBe(true);
    expect(clockOverrideAllowed({ NODE_ENV: 'production', PACSLAB_ALLOW_CLOCK_OVERRIDE: 'yes' } as NodeJS.ProcessEnv)).toBe(false);
  });
});
