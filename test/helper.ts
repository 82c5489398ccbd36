/**
 * Test helpers: buildTestApp(t, overrides) makes a temp data dir, builds the app from the one factory and
 * registers teardown (close, then a leak check: no running execution, queue slot or SSE subscriber left).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../src/app.js';
import { loadConfig, type ConfigOverrides } from '../src/config/load.js';
import type { Config } from '../src/config/schema.js';
import { isTerminal } from '../src/execution/states.js';

/** What the helpers need of a tap Test: somewhere to register cleanup. */
export interface TestContext {
  teardown(fn: () => unknown): void;
}

export type Overrides = ConfigOverrides;

/**
 * Config for tests: temp data dir, quiet logs, no periodic health checks, env ignored. Auth is off (tests
 * listen on loopback) unless the test configures `token`, `tokens` or `auth` itself; rate limits are off
 * unless it configures `rateLimit`.
 */
export function testConfig(dataDir: string, overrides: Overrides = {}): Readonly<Config> {
  const auth = overrides.auth ?? (overrides.token !== undefined || overrides.tokens?.length ? 'on' : 'off');
  // Rate limits off (the suite hammers one app from 127.0.0.1) unless the test configures `rateLimit` itself.
  return loadConfig({ env: {}, overrides: { dataDir, logLevel: 'silent', healthIntervalMs: 0, auth, rateLimit: { enabled: false }, ...overrides } });
}

export function tempDir(prefix = 'capstan-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function buildTestApp(t: TestContext, overrides: Overrides = {}, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const dir = overrides.dataDir ?? tempDir();
  const app = await buildApp(testConfig(dir, { ...overrides, dataDir: dir }), opts);
  t.teardown(async () => {
    await app.close();
    if (app.executions.activeCount !== 0) throw new Error(`leak: ${app.executions.activeCount} executions still running after close`);
    if (app.hub.activeSubscribers !== 0) throw new Error(`leak: ${app.hub.activeSubscribers} SSE subscribers after close`);
  });
  await app.ready();
  return app;
}

/** Polls nothing: waits on the server's own long-poll until the execution is terminal. */
export async function waitForExecution(app: FastifyInstance, id: string, timeoutSeconds = 60): Promise<any> {
  const res = await app.inject({ method: 'GET', url: `/api/v1/executions/${id}/wait?timeout=${timeoutSeconds}` });
  const body = res.json();
  if (!isTerminal(body.status)) throw new Error(`execution ${id} still ${body.status} after ${timeoutSeconds} s`);
  return body;
}
