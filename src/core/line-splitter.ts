/**
 * Turns a child's decoded output (string chunks) into what the run stores and streams. Two readers:
 *
 * - `LivePieces` for human output: complete lines at once, and a line still being printed (a `\r` progress
 *   bar, a prompt, `printf` without `\n`) as a *partial* piece at most `flushMs` after its first character
 *   arrived. A partial piece is exact text that no newline follows yet; the next piece of the same stream
 *   continues the same line. Joining the pieces (a `\n` after each non-partial one) gives the output back
 *   byte for byte (a CR stays: `\r` progress redraws and CRLF line ends are output too). A line never holds more than
 *   `maxPieceChars` in memory: longer ones are delivered as several partial pieces.
 * - `WholeLines` for structured output (one JSON document per line, as Bolt prints): each line whole, up to
 *   `maxBytes` (UTF-8); a longer line is skipped up to its newline and counted, never cut into pieces that
 *   would parse as something else.
 *
 * Both search for newlines only in new text, so a 64 MiB line arriving in 64 KiB chunks costs linear time.
 */

/** `partial` is true when no newline follows `text` (yet). */
export type PieceSink = (text: string, partial: boolean) => void;

/** Longest piece kept in memory before a line is delivered in several partial pieces (UTF-16 code units). */
export const MAX_PIECE_CHARS = 64 * 1024;

/** Default delay between a partial line's first character and its delivery (ms). */
export const DEFAULT_PARTIAL_FLUSH_MS = 200;

export interface LineReader {
  push(chunk: string): void;
  /** End of stream: delivers what is pending (a last line without newline is a partial piece). */
  end(): void;
}

export class LivePieces implements LineReader {
  private pending = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sink: PieceSink, private readonly flushMs = DEFAULT_PARTIAL_FLUSH_MS, private readonly maxPieceChars = MAX_PIECE_CHARS) {}

  push(chunk: string): void {
    let from = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', from)) >= 0) {
      const line = this.pending + chunk.slice(from, nl);
      this.pending = '';
      this.deliverLine(line);
      from = nl + 1;
    }
    this.pending += chunk.slice(from);
    while (this.pending.length > this.maxPieceChars) {
      this.sink(this.pending.slice(0, this.maxPieceChars), true);
      this.pending = this.pending.slice(this.maxPieceChars);
    }
    if (!this.pending) this.stopTimer();
    else if (!this.timer) {
      // Measured from the first pending character, not reset by later chunks: a progress bar that redraws
      // every 100 ms still shows within flushMs.
      this.timer = setTimeout(() => this.flushPartial(), this.flushMs);
      this.timer.unref();
    }
  }

  end(): void {
    this.stopTimer();
    if (this.pending) this.sink(this.pending, true);
    this.pending = '';
  }

  private flushPartial(): void {
    this.timer = undefined;
    if (this.pending) this.sink(this.pending, true);
    this.pending = '';
  }

  private deliverLine(line: string): void {
    this.stopTimer();
    let i = 0;
    for (; line.length - i > this.maxPieceChars; i += this.maxPieceChars) this.sink(line.slice(i, i + this.maxPieceChars), true);
    this.sink(line.slice(i), false);
  }

  private stopTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A line longer than the bound: how long it was (bytes, counted up to its end or the end of stream). */
export interface OversizedLine {
  bytes: number;
}

export class WholeLines implements LineReader {
  private parts: string[] = [];
  private bytes = 0;
  private skipping = false;
  /** Lines longer than maxBytes, in order. */
  readonly oversized: OversizedLine[] = [];

  constructor(private readonly onLine: (line: string) => void, private readonly maxBytes: number) {}

  push(chunk: string): void {
    let from = 0;
    let nl: number;
    while ((nl = chunk.indexOf('\n', from)) >= 0) {
      this.add(chunk.slice(from, nl));
      this.finishLine();
      from = nl + 1;
    }
    if (from < chunk.length) this.add(chunk.slice(from));
  }

  end(): void {
    if (this.parts.length || this.skipping) this.finishLine();
  }

  private add(text: string): void {
    if (!text) return;
    this.bytes += Buffer.byteLength(text);
    if (this.skipping) return;
    if (this.bytes > this.maxBytes) {
      // Past the bound the line is dropped whole: memory stays bounded and no cut document is ever parsed.
      this.skipping = true;
      this.parts = [];
      return;
    }
    this.parts.push(text);
  }

  private finishLine(): void {
    if (this.skipping) this.oversized.push({ bytes: this.bytes });
    else {
      const line = this.parts.join('');
      this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    }
    this.parts = [];
    this.bytes = 0;
    this.skipping = false;
  }
}
