/**
 * Takes the script's own lines (`<marker>:<tag> <text>`) out of a target's stdout while the rest streams on
 * as the target printed it. A marker line is found anywhere in a line, not only at its start: a manager that
 * ends its output without a newline (a progress bar, `printf` without `\n`) glues the script's next marker
 * line to it; the text before the marker is the manager's and stays output. A piece of a line still coming
 * (`partial`) is streamed at once except for its end when that end could be the start of a marker, which
 * waits for the next piece: no part of a marker ever reaches the caller.
 */

/** What one whole or partial stdout piece gave: output to stream, a finished output line, a marker. */
export interface MarkedPiece {
  /** Text to stream now (undefined: nothing); `partial` when its line goes on. */
  stream?: { line: string; partial: boolean };
  /** A finished line of the manager's output (kept for parsing). */
  output?: string;
  /** A finished marker line as [tag, text]. */
  marked?: [string, string];
}

/** The length of the longest end of `text` that is a beginning of `prefix` (shorter than prefix itself). */
function heldBack(text: string, prefix: string): number {
  for (let n = Math.min(prefix.length - 1, text.length); n > 0; n--) {
    if (text.endsWith(prefix.slice(0, n))) return n;
  }
  return 0;
}

/** Reads one stream (stdout of one target) piece by piece. */
export class MarkedLineReader {
  /** The line so far, and how much of it was streamed already. */
  private line = '';
  private streamed = 0;

  /** @param prefix `<marker>:`; undefined: a stream without marker lines (stderr). */
  constructor(private readonly prefix?: string) {}

  /** The next piece: `partial` when no newline ended it. */
  push(piece: string, partial: boolean): MarkedPiece {
    const whole = this.line + piece;
    const at = this.prefix ? whole.indexOf(this.prefix) : -1;
    if (partial) {
      this.line = whole;
      const safe = at >= 0 ? at : whole.length - (this.prefix ? heldBack(whole, this.prefix) : 0);
      return this.flush(whole.slice(0, safe), true);
    }
    this.line = '';
    const streamed = this.streamed;
    this.streamed = 0;
    // A Windows target ends lines with CRLF (PowerShell) and not every transport takes the CR off: the
    // copies kept for parsing lose it; what streams stays as the target printed it.
    const crlf = whole.endsWith('\r') ? 1 : 0;
    if (at < 0) return { ...this.rest(whole, streamed, false), output: whole.slice(0, whole.length - crlf) };
    const rest = whole.slice(at + this.prefix!.length, whole.length - crlf);
    const sp = rest.indexOf(' ');
    const marked: [string, string] = sp < 0 ? [rest, ''] : [rest.slice(0, sp), rest.slice(sp + 1)];
    const text = whole.slice(0, at);
    // Text glued before the marker is a line of its own; a line already streamed in part is ended.
    return { ...(text || streamed ? this.rest(text, streamed, false) : {}), ...(text ? { output: text } : {}), marked };
  }

  private flush(upTo: string, partial: boolean): MarkedPiece {
    const out = this.rest(upTo, this.streamed, partial);
    this.streamed = Math.max(this.streamed, upTo.length);
    return out;
  }

  private rest(text: string, streamed: number, partial: boolean): MarkedPiece {
    const line = text.slice(streamed);
    if (partial && !line) return {};
    return { stream: { line, partial } };
  }
}
