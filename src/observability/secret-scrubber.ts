/**
 * Keeps the secret params of running executions out of the logs, whoever writes the line (the core, a
 * plugin's debug output, an error whose cause quotes a command line). The execution service holds a run's
 * secrets while it runs; pino passes every serialized line through `scrub` (its `streamWrite` hook).
 */
import { REDACTED } from '../capabilities/sensitive.js';

/** Shorter values are not scrubbed from log lines: replacing `C` or `1` everywhere would garble the logs. */
export const MIN_SCRUBBED_LENGTH = 6;

export class SecretScrubber {
  /** Secret -> how many runs hold it. */
  private readonly held = new Map<string, number>();

  /** Scrubs these values from log lines until the returned function is called. */
  hold(values: Iterable<string>): () => void {
    const taken = [...new Set(values)].filter((v) => v.length >= MIN_SCRUBBED_LENGTH);
    for (const v of taken) this.held.set(v, (this.held.get(v) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const v of taken) {
        const n = (this.held.get(v) ?? 1) - 1;
        if (n > 0) this.held.set(v, n);
        else this.held.delete(v);
      }
    };
  }

  /** A log line (pino's JSON) with every held secret replaced by REDACTED inside its strings. */
  scrub(line: string): string {
    if (this.held.size === 0) return line;
    const hits = [...this.held.keys()].filter((v) => line.includes(v) || line.includes(jsonText(v)));
    if (hits.length === 0) return line;
    // Replace inside string values only, so the line stays valid JSON whatever the secret looks like.
    try {
      return `${JSON.stringify(JSON.parse(line), (_k, v: unknown) => (typeof v === 'string' ? replaceAll(v, hits) : v))}\n`;
    } catch {
      return replaceAll(replaceAll(line, hits.map(jsonText)), hits);
    }
  }
}

/**
 * The mask of one run's output: every string inside `value` (an output line, a notice, a target result's
 * error) with each of `secrets` (those of at least MIN_SCRUBBED_LENGTH characters) replaced by REDACTED, as CI
 * systems mask their secrets in job logs. Per piece of output: a secret a tool prints split across two
 * pieces (a partial line flushed in the middle of it) is not recognised.
 */
export function secretMask(secrets: Iterable<string>): <T>(value: T) => T {
  const taken = [...new Set(secrets)].filter((v) => v.length >= MIN_SCRUBBED_LENGTH).sort((a, b) => b.length - a.length);
  const deep = (v: unknown): unknown => {
    if (typeof v === 'string') return taken.some((x) => v.includes(x)) ? replaceAll(v, taken) : v;
    if (Array.isArray(v)) return v.map(deep);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
    return v;
  };
  return <T>(value: T) => (taken.length ? deep(value) as T : value);
}

/** How a string appears inside a JSON string literal. */
function jsonText(v: string): string {
  return JSON.stringify(v).slice(1, -1);
}

function replaceAll(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}
