/**
 * Bolt prints run results incrementally: a `{ "items": [` line, one result object per line separated by `,`
 * lines, then `],` and the summary. This reads each result the moment its line arrives; the complete stdout
 * is parsed again at the end (whatever the exit code) for the summary, `_error` and fatal errors.
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

/** Returns a line handler that calls `onItem` for each result line. */
export function itemReader(onItem: (r: BoltResult) => void): (line: string) => void {
  return (line) => {
    const t = line.trim();
    if (!t.startsWith('{"target"') && !t.startsWith('{ "target"')) return;
    try {
      const item = JSON.parse(t.replace(/,$/, '')) as BoltResult;
      if (typeof item.target === 'string') onItem(item);
    } catch {
      /* not a complete item line: the final parse covers it */
    }
  };
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
