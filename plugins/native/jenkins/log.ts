/**
 * The progressive console log as lines. Jenkins' `logText/progressiveText?start=` counts BYTES: a chunk may
 * end inside a multibyte UTF-8 character (kept by a streaming TextDecoder until the next chunk completes it)
 * or inside a line (kept until its newline, or the end of the log). CRLF and CR line ends become lines.
 */
export class LogLines {
  private readonly decoder = new TextDecoder('utf-8');
  private pending = '';
  /** Bytes consumed so far: the next `start`. */
  offset = 0;

  /** Whole lines of `bytes` (a chunk at `start` = offset), the rest kept. */
  push(bytes: Uint8Array, nextOffset: number): string[] {
    this.offset = nextOffset;
    this.pending += this.decoder.decode(bytes, { stream: true });
    return this.take(false);
  }

  /** The log ended: what is left, as a last line. */
  end(): string[] {
    this.pending += this.decoder.decode();
    return this.take(true);
  }

  private take(final: boolean): string[] {
    const lines: string[] = [];
    let at = 0;
    for (;;) {
      const nl = this.pending.indexOf('\n', at);
      if (nl < 0) break;
      lines.push(this.pending.slice(at, nl).replace(/\r$/, ''));
      at = nl + 1;
    }
    this.pending = this.pending.slice(at);
    if (final && this.pending) {
      lines.push(this.pending.replace(/\r$/, ''));
      this.pending = '';
    }
    return lines;
  }
}
