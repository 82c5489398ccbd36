/**
 * Job logs (cicd-apis.md §2.6): `GET /projects/:id/jobs/:job_id/trace` answers the WHOLE log so far each time,
 * so a TraceCursor remembers how much of it was streamed and hands out only the complete new lines (the last
 * piece without a newline waits for the next fetch, or for the end of the job). Lines are cleaned of ANSI
 * escapes and of GitLab's collapsible-section markers (`section_start:<ts>:<name>\r<header>`).
 */

// CSI sequences (colours, erase line), OSC sequences, other two-character escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const SECTION = /section_(?:start|end):\d+:[A-Za-z0-9_.-]+(?:\[[^\]]*\])?\r?/g;

/** One raw log line as a person reads it; null when it held nothing but section markers. */
export function cleanLine(raw: string): string | null {
  let line = raw.replace(ANSI, '');
  const hadMarker = SECTION.test(line);
  SECTION.lastIndex = 0;
  line = line.replace(SECTION, '');
  // A carriage return rewrites the line (progress bars): what a terminal shows is what follows the last one.
  if (line.endsWith('\r')) line = line.slice(0, -1);
  const cr = line.lastIndexOf('\r');
  if (cr >= 0) line = line.slice(cr + 1);
  if (hadMarker && line.trim() === '') return null;
  return line;
}

export class TraceCursor {
  /** Characters of the log already streamed (up to and including the last newline handed out). */
  private done = 0;
  /** Lines handed out (for the notice when GitLab's log shrinks). */
  count = 0;

  /**
   * The complete lines of `full` not handed out yet; with `final`, the last piece without a newline too.
   * `shrunk` tells that the log is shorter than what was already streamed (erased, archived differently):
   * nothing is handed out again.
   */
  take(full: string, final = false): { lines: string[]; shrunk: boolean } {
    if (full.length < this.done) return { lines: [], shrunk: true };
    const fresh = full.slice(this.done);
    const end = final ? fresh.length : fresh.lastIndexOf('\n') + 1;
    if (end <= 0) return { lines: [], shrunk: false };
    const chunk = fresh.slice(0, end);
    this.done += end;
    const parts = chunk.split('\n');
    if (parts.at(-1) === '') parts.pop();
    const lines: string[] = [];
    for (const p of parts) {
      const c = cleanLine(p);
      if (c !== null) lines.push(c);
    }
    this.count += lines.length;
    return { lines, shrunk: false };
  }
}
