/**
 * Bolt prints run results incrementally: a `{ "items": [` line, one result object per line separated by `,`
 * lines, then `],` and the summary. The runner hands stdout over as whole lines (never cut: Bolt prints a
 * result, a plan's result or the whole inventory as ONE line), and `StdoutReader` reads each result the
 * moment its line arrives. What is not a result (the head, the summary, a fatal error, a plan's result, an
 * inventory) is kept and parsed once the process ends, whatever the exit code: results are not kept twice,
 * so the size of a run's output is bounded per result, not per run.
 */

export interface BoltError {
  kind: string;
  msg: string;
  issue_code?: string;
  details?: Record<string, unknown>;
}

export interface BoltResult {
  target: string;
  action?: string;
  object?: string | null;
  status: 'success' | 'failure' | 'skipped';
  value: Record<string, unknown> & { _error?: BoltError };
}

export interface BoltDocument {
  items?: BoltResult[];
  target_count?: number;
  elapsed_time?: number;
  _error?: BoltError;
}

/** One result line (`{"target":...}`, a trailing `,` tolerated), or undefined when the line is not one. */
function parseItem(line: string): BoltResult | undefined {
  const t = line.trim();
  if (!t.startsWith('{"target"') && !t.startsWith('{ "target"')) return undefined;
  try {
    const item = JSON.parse(t.replace(/,$/, '')) as BoltResult;
    return item && typeof item.target === 'string' ? item : undefined;
  } catch {
    return undefined;
  }
}

/** The head line of a streamed run document. */
const HEAD = /^\{\s*"items"\s*:\s*\[$/;

/**
 * Reads Bolt's stdout line by line. Inside a streamed document's items (after the head, before `],`) each
 * result line goes to `onItem` and is not kept, nor are the `,` separators; every other line is kept (up to
 * `maxKeptBytes`, past which `overflowBytes` counts what was not kept), so `text()` is the document without
 * its streamed results, which still parses: `{ "items": [ ], "target_count": 2, ... }`.
 */
export class StdoutReader {
  private readonly kept: string[] = [];
  private keptBytes = 0;
  private inItems = false;
  /** Bytes of kept lines past `maxKeptBytes` (0: all kept). */
  overflowBytes = 0;

  constructor(private readonly onItem: (r: BoltResult) => void, private readonly maxKeptBytes = Infinity) {}

  push(line: string): void {
    const t = line.trim();
    if (this.inItems) {
      if (t === ',') return;
      if (t === '],' || t === ']') this.inItems = false;
      else {
        const item = parseItem(t);
        if (item) return this.onItem(item);
      }
    } else if (HEAD.test(t)) this.inItems = true;
    this.keep(line);
  }

  /** The kept lines (everything but streamed results), joined with newlines. */
  text(): string {
    return this.kept.join('\n');
  }

  private keep(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.overflowBytes || this.keptBytes + bytes > this.maxKeptBytes) {
      this.overflowBytes += bytes;
      return;
    }
    this.keptBytes += bytes;
    this.kept.push(line);
  }
}

export type Parsed =
  | { kind: 'document'; doc: BoltDocument }
  | { kind: 'fatal'; error: BoltError }
  | { kind: 'value'; value: unknown }
  | { kind: 'unparseable'; text: string };

/** Parses Bolt's complete stdout: a run document, a fatal `{kind,msg}`, or another JSON value (plans). */
export function parseBoltStdout(stdout: string): Parsed {
  const text = stdout.trim();
  if (!text) return { kind: 'unparseable', text };
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (Array.isArray(v.items) || v._error) return { kind: 'document', doc: v as BoltDocument };
      if (typeof v.kind === 'string' && typeof v.msg === 'string') return { kind: 'fatal', error: v as unknown as BoltError };
    }
    return { kind: 'value', value: v };
  } catch {
    return { kind: 'unparseable', text };
  }
}
