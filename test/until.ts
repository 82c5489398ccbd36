/** A bounded wait for tests: polls a condition, never a sleep used as an assertion. */
import { setTimeout as delay } from 'node:timers/promises';

/** Polls `check` every 50 ms until it returns something other than undefined/false, at most `ms`. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms waiting for ${what}`);
    await delay(50);
  }
}
