/**
 * Listens to Icinga 2's event stream (POST /v1/events: a long-lived answer with one JSON object per line,
 * https://icinga.com/docs/icinga-2/latest/doc/12-icinga2-api/#event-streams; recorded in
 * test/fixtures/events-stream.ndjson) and calls `onEvent` for each event. The events are only a hint that
 * something changed: Icinga delivers them to connected clients only (nothing is replayed after a reconnect)
 * and sometimes seconds late, so the plugin re-reads the objects on each one instead of trusting the event's
 * content. Reconnects with a backoff (1 s doubling to 30 s) and calls `onConnect` after each (re)connection,
 * so that whatever happened while disconnected is read too. The backoff starts over only once a connection
 * proved good: it delivered an event, or stayed up `stableMs` (30 s); a stream accepted and closed at once
 * (a proxy, an overloaded or misconfigured API) is retried ever more slowly, not every second forever.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { WholeLines } from '../../../src/core/line-splitter.js';
import type { IcingaClient } from './client.js';

/** The event types that change an alert's state. */
export const ALERT_EVENT_TYPES = ['StateChange', 'AcknowledgementSet', 'AcknowledgementCleared', 'DowntimeStarted', 'DowntimeRemoved'];

/** One event line: `type`, `timestamp` (epoch s), `host`/`service` (not on Downtime* events: see `downtime`). */
export interface IcingaEvent {
  type: string;
  timestamp?: number;
  host?: string;
  service?: string;
  [key: string]: unknown;
}

/** What health reports of the listener. */
export interface ListenerStatus {
  connected: boolean;
  queue: string;
  events: number;
  connects: number;
  lastEventAt?: string;
  lastError?: string;
}

const MAX_LINE_BYTES = 4 * 1024 * 1024;

/** Reconnect timing (ms); the defaults are what the plugin uses, tests shorten them. */
export interface ListenerTiming {
  /** First reconnect delay, and the delay after a good connection (default 1000). */
  initialBackoffMs: number;
  /** The delay doubles up to this (default 30 000). */
  maxBackoffMs: number;
  /** A connection up this long without an event still counts as good (default 30 000). */
  stableMs: number;
}
const DEFAULT_TIMING: ListenerTiming = { initialBackoffMs: 1000, maxBackoffMs: 30_000, stableMs: 30_000 };

export class IcingaEventListener {
  /** Unique per Capstan instance and connection: Icinga splits one queue's events among its clients. */
  private readonly queueBase = `capstan-${hostname().replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private queue = this.queueBase;
  private res: IncomingMessage | undefined;
  private abort: AbortController | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private backoffMs: number;
  /** When the current connection was made (ms), undefined while disconnected. */
  private connectedAt: number | undefined;
  private readonly stats: ListenerStatus;
  private readonly timing: ListenerTiming;

  constructor(
    private readonly client: IcingaClient,
    private readonly logger: Logger,
    private readonly onEvent: (event: IcingaEvent) => void,
    private readonly onConnect: () => void,
    timing: Partial<ListenerTiming> = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...timing };
    this.backoffMs = this.timing.initialBackoffMs;
    this.stats = { connected: false, queue: this.queue, events: 0, connects: 0 };
  }

  get running(): boolean {
    return !this.stopped;
  }

  status(): ListenerStatus {
    return { ...this.stats };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.res?.destroy();
    this.res = undefined;
    this.stats.connected = false;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    this.queue = `${this.queueBase}-${this.stats.connects + 1}`;
    this.abort = new AbortController();
    try {
      const res = await this.client.openStream('events', { queue: this.queue, types: ALERT_EVENT_TYPES }, this.abort.signal);
      if (this.stopped) {
        res.destroy();
        return;
      }
      this.res = res;
      this.stats.connected = true;
      this.stats.connects++;
      this.stats.queue = this.queue;
      delete this.stats.lastError;
      // The backoff is NOT reset here: only a connection that proved good resets it (line(), lost()).
      this.connectedAt = Date.now();
      this.logger.debug({ queue: this.queue }, 'icinga event stream connected');
      this.onConnect();
      const lines = new WholeLines((line) => this.line(line), MAX_LINE_BYTES);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => lines.push(chunk));
      let ended = false;
      const end = (why: string) => { if (!ended) { ended = true; this.lost(why); } };
      res.on('error', (err) => end(err.message));
      res.on('close', () => end('the API closed the event stream'));
    } catch (err) {
      this.lost((err as Error).message);
    }
  }

  private line(text: string): void {
    if (!text.trim()) return;
    let event: IcingaEvent;
    try {
      event = JSON.parse(text) as IcingaEvent;
    } catch {
      this.logger.warn('icinga event stream: a line that is not JSON was skipped');
      return;
    }
    this.stats.events++;
    this.backoffMs = this.timing.initialBackoffMs; // an event delivered: the connection is good
    this.stats.lastEventAt = new Date().toISOString();
    this.onEvent(event);
  }

  private lost(why: string): void {
    if (this.connectedAt !== undefined && Date.now() - this.connectedAt >= this.timing.stableMs) this.backoffMs = this.timing.initialBackoffMs;
    this.connectedAt = undefined;
    this.res = undefined;
    this.stats.connected = false;
    if (this.stopped) return;
    this.stats.lastError = why;
    this.logger.warn({ err: why, retryInMs: this.backoffMs }, 'icinga event stream lost; reconnecting');
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), this.backoffMs);
    this.timer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, this.timing.maxBackoffMs);
  }
}
