/**
 * alert.acknowledge / alert.resolve of the alertmanager plugin on a fake client (an in-memory Alertmanager:
 * alerts, silences holding every alert whose labels their equality matchers match, POST/DELETE as API v2
 * does them): Capstan touches only its silences of EXACTLY the alert's labels, never a broader Capstan
 * silence made for another alert whose labels are a subset.
 */
import { randomUUID } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import pino from 'pino';
import t from 'tap';
import type { AmAlert, AmPostableSilence, AmSilence } from '../../../../src/capabilities/alertmanager-v2.js';
import { AlertmanagerConfigSchema, type AlertmanagerConfig } from '../config.js';
import { AlertmanagerPlugin } from '../plugin.js';

const silent = pino({ level: 'silent' });

/** An Alertmanager in memory, behind the three client calls the plugin makes. */
class FakeAm {
  readonly alerts: AmAlert[] = [];
  readonly silences = new Map<string, AmSilence>();
  readonly deleted: string[] = [];
  origin = 'http://127.0.0.71:9093';
  add(labels: Record<string, string>): string {
    const fingerprint = randomUUID().replace(/-/g, '').slice(0, 16);
    this.alerts.push({ fingerprint, labels, annotations: {}, startsAt: '2026-11-30T00:00:00.000Z', receivers: [{ name: 'default' }], status: { state: 'active', silencedBy: [], inhibitedBy: [] } });
    return fingerprint;
  }
  private holding(labels: Record<string, string>): string[] {
    return [...this.silences.values()].filter((s) => s.status.state === 'active' && s.matchers.every((m) => labels[m.name] === m.value)).map((s) => s.id);
  }
  async get<T>(path: string): Promise<{ body: T }> {
    if (path === 'api/v2/silences') return { body: structuredClone([...this.silences.values()]) as T };
    return {
      body: this.alerts.map((a) => {
        const by = this.holding(a.labels);
        return { ...structuredClone(a), status: { state: by.length ? 'suppressed' : 'active', silencedBy: by, inhibitedBy: [] } };
      }) as T,
    };
  }
  async post<T>(_path: string, body: AmPostableSilence): Promise<{ body: T }> {
    const id = body.id ?? randomUUID();
    this.silences.set(id, { ...structuredClone(body), id, status: { state: 'active' } });
    return { body: { silenceID: id } as T };
  }
  async delete(path: string): Promise<void> {
    const id = decodeURIComponent(path.split('/').at(-1)!);
    this.deleted.push(id);
    const s = this.silences.get(id);
    if (s) s.status = { state: 'expired' };
  }
  close(): void {}
}

async function plugin(fake: FakeAm) {
  const cfg = Value.Default(AlertmanagerConfigSchema, { url: fake.origin }) as AlertmanagerConfig;
  const p = new AlertmanagerPlugin(cfg, silent);
  await p.initialize();
  (p as unknown as { client: FakeAm }).client = fake;
  const caps = Object.fromEntries(p.capabilities().map((c) => [c.name, c.handler]));
  const ctx = (who: string) => ({ principal: { id: who }, signal: AbortSignal.timeout(5000), logger: silent }) as never;
  return {
    ack: async (id: string, who: string, comment?: string) => (await caps['alert.acknowledge']({ id, comment }, ctx(who)) as { alert: { state: string; acknowledgement?: { by: string } } }).alert,
    resolve: async (id: string, who: string) => (await caps['alert.resolve']({ id }, ctx(who)) as { alert: { state: string } }).alert,
    get: async (id: string) => (await caps['alert.get']({ id }, ctx('x')) as { alert: { state: string; acknowledgement?: { by: string; comment?: string } } | null }).alert,
  };
}

t.test('alert B\'s labels a superset of alert A\'s: ack A, ack B, resolve B -> A still acknowledged', async (t) => {
  const fake = new FakeAm();
  const A = fake.add({ alertname: 'QueueLag', job: 'queues' });
  const B = fake.add({ alertname: 'QueueLag', job: 'queues', queue: 'billing' });
  const am = await plugin(fake);
  t.match(await am.ack(A, 'alice', 'all queues'), { state: 'acknowledged', acknowledgement: { by: 'alice' } });
  const aSilence = [...fake.silences.keys()][0];
  t.match(await am.get(B), { state: 'silenced' }, 'A\'s silence holds B, but is not B\'s acknowledgement');
  t.equal((await am.get(B))!.acknowledgement, undefined);
  t.match(await am.ack(B, 'bob', 'billing'), { state: 'acknowledged', acknowledgement: { by: 'bob' } });
  t.equal(fake.silences.size, 2, 'B got its own silence');
  t.same(fake.deleted, [], 'acknowledging B expired no silence (A\'s stays)');
  t.match(await am.resolve(B, 'bob'), { state: 'silenced' }, 'B: its acknowledgement taken back, still held by A\'s silence');
  t.equal(fake.deleted.length, 1);
  t.not(fake.deleted[0], aSilence, 'only B\'s own silence expired');
  t.equal(fake.silences.get(aSilence)!.status.state, 'active');
  t.match(await am.get(A), { state: 'acknowledged', acknowledgement: { by: 'alice', comment: 'all queues' } }, 'A still acknowledged');
});

t.test('acknowledged again: Capstan\'s earlier silence of exactly this alert is replaced; resolve with only a broader Capstan silence changes nothing', async (t) => {
  const fake = new FakeAm();
  const A = fake.add({ alertname: 'DiskFull', instance: 'db1' });
  const B = fake.add({ alertname: 'DiskFull', instance: 'db1', mount: '/var' });
  const am = await plugin(fake);
  await am.ack(A, 'alice');
  const first = [...fake.silences.keys()][0];
  await am.ack(A, 'carol', 'still full');
  t.same(fake.deleted, [first], 'the earlier exact silence expired');
  t.match(await am.get(A), { state: 'acknowledged', acknowledgement: { by: 'carol', comment: 'still full' } });
  const before = fake.deleted.length;
  t.match(await am.resolve(B, 'bob'), { state: 'silenced' });
  t.equal(fake.deleted.length, before, 'B has no acknowledgement of its own: nothing expired');
  t.match(await am.get(A), { state: 'acknowledged' });
});
