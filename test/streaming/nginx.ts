/**
 * The real nginx for tests: runs docs/nginx-capstan.conf (the file the README shows) as a non-daemon child
 * with its own prefix, temp dirs, pid and error log in a test dir, listening on 127.0.0.61:<free port> and
 * proxying to a Capstan listening on loopback. Stopped by its pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { until } from '../until.js';

export const PROXY_HOST = '127.0.0.61';
export const CONF_FILE = join(import.meta.dirname, '..', '..', 'docs', 'nginx-capstan.conf');

/** The nginx binary (Debian's /usr/sbin/nginx, or one on PATH), or undefined when not installed. */
export const NGINX_BIN = ['/usr/sbin/nginx', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'nginx'))].find((p) => p && existsSync(p));

/** Replaces `from` with `to`, insisting that it occurs exactly once (the shipped file changed otherwise). */
function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`docs/nginx-capstan.conf: expected "${from}" exactly once, found ${parts.length - 1}`);
  return parts.join(to);
}

/** The shipped config pointed at the test's Capstan and listen address; `edit` may change it further. */
export function testConf(upstreamPort: number, listenPort: number, edit: (conf: string) => string = (c) => c): string {
  let conf = readFileSync(CONF_FILE, 'utf8');
  conf = replaceOnce(conf, 'server 127.0.0.1:3000;', `server 127.0.0.1:${upstreamPort};`);
  conf = replaceOnce(conf, 'listen 80;', `listen ${PROXY_HOST}:${listenPort};`);
  return edit(conf);
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().once('error', reject);
    s.listen(0, host, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect({ host, port });
    c.once('connect', () => { c.destroy(); resolve(true); });
    c.once('error', () => resolve(false));
  });
}

export interface Nginx {
  /** `http://127.0.0.61:<port>` */
  base: string;
  pid: number;
  /** TERM to the master (it ends its workers), waiting for its exit; KILL to its process group past 10 s. */
  stop(): Promise<void>;
}

/**
 * Starts nginx with the shipped config (edited by `edit`) in front of `upstreamPort`. Resolves once it accepts
 * connections; rejects with its error log when it exits first. Retries on a port taken meanwhile.
 */
export async function startNginx(dir: string, upstreamPort: number, edit?: (conf: string) => string): Promise<Nginx> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(PROXY_HOST);
    try {
      return await launch(dir, upstreamPort, port, edit);
    } catch (err) {
      if (attempt < 3 && /Address already in use/.test(String(err))) continue;
      throw err;
    }
  }
}

async function launch(dir: string, upstreamPort: number, port: number, edit?: (conf: string) => string): Promise<Nginx> {
  const tmp = join(dir, 'tmp');
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(tmp, d), { recursive: true });
  writeFileSync(join(dir, 'capstan.conf'), testConf(upstreamPort, port, edit));
  writeFileSync(join(dir, 'nginx.conf'), [
    'worker_processes 1;',
    'events { worker_connections 64; }',
    'http {',
    `    access_log ${join(dir, 'access.log')};`,
    ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((d) => `    ${d === 'body' ? 'client_body' : d}_temp_path ${join(tmp, d)};`),
    `    include ${join(dir, 'capstan.conf')};`,
    '}',
    '',
  ].join('\n'));
  const errorLog = join(dir, 'error.log');
  // As root, nginx would switch its workers to `nobody`; keep them as the current user (owner of the dirs).
  const user = process.getuid?.() === 0 ? ` user ${userInfo().username};` : '';
  const global = `daemon off; master_process on; pid ${join(dir, 'nginx.pid')}; error_log ${errorLog} info;${user}`;
  // Own process group: the fallback KILL reaches the workers too.
  const child: ChildProcess = spawn(NGINX_BIN!, ['-p', dir, '-e', errorLog, '-c', join(dir, 'nginx.conf'), '-g', global], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let gone = false;
  void exited.then(() => { gone = true; });
  const log = () => `${stderr}${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`;
  const stop = async () => {
    if (gone) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } }, 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await until('nginx to accept connections', async () => {
      if (gone) throw new Error(`nginx exited at start:\n${log()}`);
      return accepts(PROXY_HOST, port);
    }, 15_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base: `http://${PROXY_HOST}:${port}`, pid: child.pid!, stop };
}
