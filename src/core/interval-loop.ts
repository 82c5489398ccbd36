/**
 * A background loop that runs an async pass, then waits `intervalMs` and runs it again, until stopped: the
 * next pass is scheduled only when the previous one has settled, so passes never overlap. Timers are unref'd
 * (they keep no process alive). A pass that rejects is handed to `onError` (default: ignored) and the loop goes
 * on: a background loop must never become an unhandled rejection that ends the process.
 */
export class IntervalLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private halted = true;

  /**
   * @param pass one pass (it may read `stopped` to end early)
   * @param intervalMs the wait between the end of a pass and the start of the next (ms)
   */
  constructor(private readonly pass: () => Promise<void>, private readonly intervalMs: number, private readonly onError: (err: unknown) => void = () => {}) {}

  /** True before start and after stop. */
  get stopped(): boolean {
    return this.halted;
  }

  /** Runs the first pass at once (on the next timer turn), then every `intervalMs` after each pass. */
  start(): void {
    this.halted = false;
    this.schedule(0);
  }

  /** Runs a pass now unless stopped or one is under way (then the regular schedule stands). */
  poke(): void {
    if (!this.halted && !this.running) this.schedule(0);
  }

  /** Stops scheduling passes and waits for the one under way. */
  async stop(): Promise<void> {
    this.halted = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.running = this.pass().catch(this.onError).finally(() => {
        this.running = undefined;
        if (!this.halted) this.schedule(this.intervalMs);
      });
    }, ms);
    this.timer.unref();
  }
}
