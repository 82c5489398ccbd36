/**
 * Starts the real server process (`npm start` = node dist/src/server.js, dist/ built or found current by the
 * prestart step) on a free port with a temp data dir, and stops it (SIGTERM to its process group, SIGKILL if it
 * lingers) in teardown.
 */
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { tempDir } from './helper.js';

const ROOT = join(import.meta.dirname, '..');

export interface ServerProcess {
  baseUrl: string;
  dataDir: string;
  child: ResultPromise;
  /** Everything the server logged so far. */
  log: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/**
 * Auth is off (the server listens on 127.0.0.1) unless `env` names CAPSTAN_AUTH, CAPSTAN_TOKEN or a config
 * file (which may hold tokens): tests that speak plain HTTP to the server stay as they were.
 */
function authEnv(env: Record<string, string>): Record<string, string> {
  return env.CAPSTAN_AUTH !== undefined || env.CAPSTAN_TOKEN !== undefined || env.CAPSTAN_CONFIG !== undefined ? {} : { CAPSTAN_AUTH: 'off' };
}

export async function startServer(t: { teardown(fn: () => unknown): void }, env: Record<string, string> = {}, dataDir = tempDir()): Promise<ServerProcess> {
  const child = execa('npm', ['start', '--silent'], {
    cwd: ROOT, detached: true, reject: false, all: true, buffer: false,
    env: { CAPSTAN_PORT: '0', CAPSTAN_DATA_DIR: dataDir, CAPSTAN_LOG_LEVEL: 'info', ...authEnv(env), ...env },
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    child.all!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    void child.then((r) => { clearTimeout(timer); reject(new Error(`server exited (${r.exitCode}) before listening:\n${output}`)); });
  });
  let stopped = false;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (stopped) return;
    stopped = true;
    try { process.kill(-child.pid!, signal); } catch { /* gone */ }
    const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 20_000);
    await child;
    clearTimeout(timer);
  };
  t.teardown(() => stop());
  return { baseUrl, dataDir, child, log: () => output, stop };
}

/** Starts `npm start` expecting it to exit by itself (within 60 s): its exit code and what it printed. */
export async function runServerToExit(env: Record<string, string>, dataDir: string): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }> {
  const child = execa('npm', ['start', '--silent'], {
    cwd: ROOT, reject: false, detached: true,
    env: { CAPSTAN_PORT: '0', CAPSTAN_DATA_DIR: dataDir, CAPSTAN_LOG_LEVEL: 'info', ...authEnv(env), ...env },
  });
  // A server that started after all must not outlive the test: end its whole process group.
  const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 60_000);
  const r = await child;
  clearTimeout(timer);
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
}
