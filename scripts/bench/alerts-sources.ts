/**
 * The two real alert sources of the alerts benchmark (alerts.ts), started on their own loopback addresses with
 * the plugins' own test fixtures and filled through their APIs:
 * - Alertmanager (Debian's prometheus-alertmanager, no Prometheus) on 127.0.0.81: `count` alerts POSTed to
 *   /api/v2/alerts in one request, each with its own alertname / instance, endsAt 30 days ahead (so they keep
 *   firing without being re-sent);
 * - Icinga 2 (Debian's icinga2, the plugin's icinga-up.sh recipe) on 127.0.0.82: `count` services created with
 *   PUT /v1/objects/services/<host>!<name> (check_command dummy, vars.dummy_state 2) on `hosts` hosts created
 *   the same way, then one forced check of them all (POST /v1/actions/reschedule-check), waited for until each
 *   is CRITICAL and checked. The recipe's own fixture adds 2 host and 4 service problems.
 * Each stop() ends only the process it started (by pid / icinga-down.sh) and removes its temp dir.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AM_BIN, freePort, ready, stopChild } from '../../plugins/native/alertmanager/test/fixtures/stack.js';
import { startIcinga, type IcingaInstance } from '../../plugins/native/icinga/test/fixtures/icinga-env.js';
import { until } from '../../test/until.js';

export const AM_IP = '127.0.0.81';
export const ICINGA_BENCH_IP = '127.0.0.82';

export const hostName = (h: number) => `bench-${String(h).padStart(2, '0')}.example.com`;

export interface Started {
  url: string;
  stop(): Promise<void>;
}

/** Alertmanager alone (no clustering, a route to a receiver that sends nothing), in a temp dir. */
export async function startAlertmanager(): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-am-'));
  const port = await freePort(AM_IP);
  const url = `http://${AM_IP}:${port}`;
  writeFileSync(join(dir, 'alertmanager.yml'), 'route:\n  receiver: default\n  group_by: [alertname]\nreceivers:\n  - name: default\n');
  const log = join(dir, 'alertmanager.log');
  const child = spawn(AM_BIN, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=${AM_IP}:${port}`,
    `--web.external-url=${url}/`, '--cluster.listen-address=', '--log.level=warn',
  ], { stdio: ['ignore', openSync(log, 'a'), openSync(log, 'a')] });
  const stop = async () => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ready(url, child, log, 'alertmanager');
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

/** Posts `count` firing alerts on `hosts` hosts (half severity critical, half warning); resolves when Alertmanager lists them all. */
export async function fillAlertmanager(url: string, count: number, hosts: number): Promise<number> {
  const t0 = performance.now();
  const now = Date.now();
  const alerts = Array.from({ length: count }, (_, i) => {
    const host = hostName(i % hosts);
    return {
      labels: { alertname: `BenchAlert${String(i).padStart(3, '0')}`, instance: `${host}:9100`, host, job: 'node', severity: i % 2 ? 'warning' : 'critical', team: i % 3 ? 'infra' : 'db' },
      annotations: { summary: `bench alert ${i} on ${host}`, description: `synthetic alert ${i} posted by scripts/bench/alerts.ts`, runbook_url: `https://runbooks.example.com/bench/${i}` },
      generatorURL: `http://prometheus.example.com/graph?g0.expr=bench_${i}`,
      startsAt: new Date(now - (i + 1) * 61_000).toISOString(),
      endsAt: new Date(now + 30 * 86_400_000).toISOString(),
    };
  });
  const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
  if (!res.ok) throw new Error(`POST ${url}/api/v2/alerts answered ${res.status}: ${await res.text()}`);
  await until(`${count} alerts at Alertmanager`, async () => ((await (await fetch(`${url}/api/v2/alerts`)).json()) as unknown[]).length === count, 20_000);
  return performance.now() - t0;
}

/** Icinga's API as the plugin reaches it: verified TLS (its CA, the certificate's name), HTTP Basic, keep-alive. */
export class IcingaApi {
  readonly agent: https.Agent;
  private readonly auth: string;
  constructor(readonly inst: IcingaInstance) {
    this.agent = new https.Agent({ keepAlive: true, ca: readFileSync(inst.caFile), servername: inst.serverName });
    this.auth = `Basic ${Buffer.from(`${inst.user}:${inst.password}`).toString('base64')}`;
  }

  /** One request; the answer's text (not parsed) and status. */
  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = https.request(`${this.inst.url}/v1/${path}`, {
        agent: this.agent, method,
        headers: { accept: 'application/json', authorization: this.auth, ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}), ...headers },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** POST /v1/objects/<plural> with X-HTTP-Method-Override: GET, JSON-parsed `results`. */
  async objects(plural: string, query: Record<string, unknown>): Promise<{ name: string }[]> {
    const { status, text } = await this.call('POST', `objects/${plural}`, query, { 'x-http-method-override': 'GET' });
    if (status !== 200) throw new Error(`Icinga objects/${plural} answered ${status}: ${text.slice(0, 300)}`);
    return (JSON.parse(text) as { results: { name: string }[] }).results;
  }

  close(): void {
    this.agent.destroy();
  }
}

export async function startBenchIcinga(): Promise<IcingaInstance> {
  return startIcinga({ ip: ICINGA_BENCH_IP, port: await freePort(ICINGA_BENCH_IP) });
}

/** Runs `fn` over 0..n-1 with at most `width` at a time. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < n) await fn(next++);
  }));
}

const BENCH_SERVICES = 'match("bench-check-*", service.name)';

/**
 * Creates `hosts` UP hosts and `count` CRITICAL services through the API (`width` PUTs at a time), forces one
 * check of the services and waits until all are CRITICAL and checked. Returns the time each step took (ms).
 */
export async function fillIcinga(api: IcingaApi, count: number, hosts: number, width = 8): Promise<{ hostsMs: number; servicesMs: number; checkedMs: number }> {
  const put = async (path: string, body: unknown) => {
    const { status, text } = await api.call('PUT', path, body);
    if (status !== 200) throw new Error(`PUT /v1/${path} answered ${status}: ${text.slice(0, 300)}`);
  };
  const t0 = performance.now();
  await pool(hosts, width, (h) => put(`objects/hosts/${hostName(h)}`, {
    templates: ['ci-host'], attrs: { address: '127.0.0.1', check_command: 'dummy', 'vars.dummy_state': 0, 'vars.dummy_text': 'up' },
  }));
  const t1 = performance.now();
  const perHost = Math.ceil(count / hosts);
  await pool(count, width, (i) => put(`objects/services/${hostName(Math.floor(i / perHost))}!bench-check-${String(i).padStart(3, '0')}`, {
    templates: ['ci-service'],
    attrs: { check_command: 'dummy', max_check_attempts: 1, 'vars.dummy_state': 2, 'vars.dummy_text': `CRITICAL - bench problem ${i}`, 'vars.team': i % 3 ? 'infra' : 'db' },
  }));
  const t2 = performance.now();
  const { status, text } = await api.call('POST', 'actions/reschedule-check', { type: 'Service', filter: BENCH_SERVICES, force: true });
  if (status !== 200) throw new Error(`reschedule-check answered ${status}: ${text.slice(0, 300)}`);
  await until(`${count} bench services CRITICAL and checked`, async () => (await api.objects('services', {
    filter: `${BENCH_SERVICES} && service.state == 2 && service.last_check_result != null`, attrs: ['name'],
  })).length === count, 60_000);
  return { hostsMs: t1 - t0, servicesMs: t2 - t1, checkedMs: performance.now() - t2 };
}
