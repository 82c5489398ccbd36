/**
 * A minimal SSE client for tests: connects with node:http, parses frames as they arrive, and can be cut off
 * at any moment (to simulate a dropped connection).
 */
import http from 'node:http';

export interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

export interface SseConnection {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Resolves with every frame once the server ends the stream (or the connection is cut). */
  done: Promise<SseFrame[]>;
  frames: SseFrame[];
  /** Cuts the connection now. */
  close(): void;
}

export function connectSse(url: string, headers: Record<string, string> = {}, onFrame?: (f: SseFrame, conn: SseConnection) => void): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const frames: SseFrame[] = [];
      let buf = '';
      let finish!: (f: SseFrame[]) => void;
      const done = new Promise<SseFrame[]>((r) => (finish = r));
      const conn: SseConnection = { status: res.statusCode ?? 0, headers: res.headers, done, frames, close: () => { req.destroy(); finish(frames); } };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const f: SseFrame = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) f.comment = line.slice(1).trim();
            else {
              const c = line.indexOf(':');
              const k = line.slice(0, c);
              const v = line.slice(c + 1).replace(/^ /, '');
              if (k === 'data') f.data = f.data === undefined ? v : `${f.data}\n${v}`;
              else if (k === 'id' || k === 'event') f[k] = v;
            }
          }
          frames.push(f);
          onFrame?.(f, conn);
        }
      });
      res.on('end', () => finish(frames));
      res.on('close', () => finish(frames));
      resolve(conn);
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code === 'ECONNRESET') return;
      reject(err);
    });
  });
}
