// "Now", for everything that schedules or times learning (spaced review, mock-exam deadlines, streaks). One
// function so tests can move time: a request may carry `x-pacslab-now` (header or cookie, an ISO date or epoch
// milliseconds), honoured only outside production or when PACSLAB_ALLOW_CLOCK_OVERRIDE=1 (the e2e server sets
// it to simulate "the next day"). A production site never lets a visitor choose the time.
import { cookies, headers } from 'next/headers';

export const CLOCK_OVERRIDE = 'x-pacslab-now';

export function clockOverrideAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NODE_ENV !== 'production' || env.PACSLAB_ALLOW_CLOCK_OVERRIDE === '1';
}

/** Parses an override value: ISO 8601 or epoch milliseconds; anything else is ignored. */
export function parseClockOverride(value: string | undefined | null): Date | null {
  if (!value) return null;
  const text = decodeURIComponent(value).trim();
  const date = /^\d{10,}$/.test(text) ? new Date(Number(text)) : new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The override carried by a request, if allowed. */
export function overrideFrom(get: (name: string) => string | undefined | null, env: NodeJS.ProcessEnv = process.env): Date | null {
  if (!clockOverrideAllowed(env)) return null;
  return parseClockOverride(get(CLOCK_OVERRIDE));
}

/** The current time for this request (server components, actions, route handlers). */
export async function now(): Promise<Date> {
  if (!clockOverrideAllowed()) return new Date();
  try {
    const [h, c] = await Promise.all([headers(), cookies()]);
    return overrideFrom((name) => h.get(name) ?? c.get(name)?.value) ?? new Date();
  } catch {
    return new Date(); // outside a request (scripts, tests)
  }
}
