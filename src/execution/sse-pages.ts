/**
 * An SSE response written a page at a time: every frame of a page is serialized into one string and written
 * with one `write`, and the next page is read only once the socket drained (backpressure). The execution stream
 * uses it: fanned out to many clients, fastify-sse-v2's path (an async-iterable step, a stream transform and a
 * socket write per frame) cost about 5x the CPU per delivered event of a bare Node server (scripts/bench/execution.ts,
 * section 9). The wire format is the one fastify-sse-v2 writes (the events stream still goes through it): the same
 * headers, a `retry: 3000` frame first, `id:`/`event:`/`data:` lines, `:comment` lines, a blank line after each.
 */
import type { FastifyReply } from 'fastify';
import type { EventMessage } from 'fastify-sse-v2';
import { problemFrame, SSE_HEADERS } from './sse.js';

/** The reconnection delay sent first (ms), as fastify-sse-v2's default. */
const RETRY_MS = 3000;

/** One frame as text/event-stream has it (a multi-line `data` becomes one `data:` line per line). */
export function serializeFrame(m: EventMessage): string {
  let out = '';
  if (m.id) out += `id: ${m.id}\n`;
  if (m.event) out += `event: ${m.event}\n`;
  if (m.data) for (const line of String(m.data).split('\n')) out += `data: ${line}\n`;
  if (m.retry) out += `retry: ${m.retry}\n`;
  if (m.comment) out += `:${m.comment}\n`;
  return out ? `${out}\n` : '';
}

/** Resolves when `raw` drained or closed. */
function drained(raw: FastifyReply['raw']): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { raw.off('drain', done); raw.off('close', done); resolve(); };
    raw.on('drain', done);
    raw.on('close', done);
  });
}

/**
 * Sends the stream: headers (the reply's own, SSE_HEADERS, `text/event-stream`), then each page (the text of its
 * frames, see serializeFrame) in one write. A failure after the headers went out ends the stream with an `event: problem` frame (the client
 * reconnects with Last-Event-ID), as startSse does. The caller ends `pages` when the socket closes.
 */
export function startSsePages(reply: FastifyReply, pages: AsyncIterable<string>): void {
  reply.headers(SSE_HEADERS);
  void reply.hijack();
  const raw = reply.raw;
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) raw.setHeader(k, v as string);
  raw.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  raw.setHeader('Connection', 'keep-alive');
  raw.setHeader('x-no-compression', 1);
  raw.statusCode = 200;
  raw.write(serializeFrame({ retry: RETRY_MS }));
  void (async () => {
    try {
      for await (const text of pages) {
        if (raw.destroyed) break;
        if (text && !raw.write(text)) await drained(raw);
      }
    } catch (failure) {
      const frame = problemFrame(reply, failure);
      if (!raw.destroyed) raw.write(serializeFrame(frame));
    }
    if (!raw.destroyed) raw.end();
  })();
}
