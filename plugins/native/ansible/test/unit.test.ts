/**
 * The ansible plugin's parsers on recorded outputs: ansible-inventory --list (reference recording), the
 * capstan_events callback's lines of an ad-hoc run and a playbook (recorded with ansible-core 2.14, local
 * connection plus a refused port), setup facts; plan parameters and the !unsafe vars file.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { unsafeVarsYaml } from '../cli.js';
import { adhocOutcome, isHostEvent, parseEventLine, playbookOutcome, recordPlaybookEvent, type HostEvent, type HostStats, type PlaybookHost } from '../events.js';
import { normalizeFacts } from '../facts.js';
import { parseInventoryList } from '../inventory.js';
import { parsePlanParams, pieces, SAFE_TARGET } from '../params.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const eventsOf = (name: string) => fixture(name).split('\n').map(parseEventLine).filter((e) => e !== undefined);

t.test('inventory --list: nodes, transitive groups, uri, redacted secrets', async (t) => {
  const doc = JSON.parse(fixture('inventory-list.json'));
  doc._meta.hostvars.node1.ansible_password = 'hunter2';
  doc._meta.hostvars.node1.ansible_become_pass = 'hunter3';
  doc._meta.hostvars.node1.api_token = 'tok';
  doc._meta.hostvars.node1.vaulted = { __ansible_vault: '$ANSIBLE_VAULT;1.1;AES256\n3338' };
  doc._meta.hostvars.node2.ansible_port = 2202;
  const inv = parseInventoryList(doc, 'ansible');
  t.same(inv.nodes.map((n) => [n.name, n.uri, n.transport, n.groups]), [
    ['node1', '198.18.0.11', 'ssh', ['web', 'all']],
    ['node2', '198.18.0.12:2202', 'ssh', ['web', 'all']],
    ['node3', '198.18.0.13', 'ssh', ['db', 'all']],
  ]);
  for (const k of ['ansible_password', 'ansible_become_pass', 'api_token', 'vaulted']) t.equal(inv.nodes[0].vars![k], '***', k);
  t.equal(inv.nodes[0].vars!.ansible_user, 'tbuser');
  t.equal(inv.nodes[2].vars!.role, 'database');
  t.same(inv.groups.map((g) => [g.name, g.targets]), [['db', ['node3']], ['web', ['node1', 'node2']]]);
  t.same(inv.nodes[0].sources, [{ source: 'ansible', id: 'node1' }]);
});

t.test('inventory --list: children give nested membership; connection is the transport', async (t) => {
  const inv = parseInventoryList({
    _meta: { hostvars: { a: { ansible_connection: 'local' }, b: { ansible_host: 'fd00::1', ansible_port: 22 } } },
    all: { children: ['ungrouped', 'prod'] }, prod: { children: ['web'] }, web: { hosts: ['a', 'b'] }, ungrouped: {},
  }, 'ansible');
  t.same(inv.nodes.map((n) => [n.name, n.transport, n.uri, n.groups]), [['a', 'local', 'a', ['prod', 'web', 'all']], ['b', 'ssh', '[fd00::1]:22', ['prod', 'web', 'all']]]);
  t.same(inv.groups, [{ name: 'prod', targets: ['a', 'b'], groups: ['web'], sources: ['ansible'] }, { name: 'web', targets: ['a', 'b'], sources: ['ansible'] }]);
  t.throws(() => parseInventoryList([], 'ansible'), /JSON object/);
});

t.test('callback lines of an ad-hoc run: failed with rc, unreachable as unavailable', async (t) => {
  const evs = eventsOf('adhoc-events.jsonl').filter(isHostEvent);
  const by = new Map(evs.map((e) => [e.host, adhocOutcome(e)]));
  t.same([...by.keys()].sort(), ['down', 'local1', 'local2']);
  const l1 = by.get('local1')!;
  t.same([l1.status, l1.exitCode, l1.error?.category, l1.changed], ['failed', 3, 'execution_failed', true]);
  t.notOk('stdout' in (l1.value as object), 'output is streamed, not kept in value');
  const d = by.get('down')!;
  t.same([d.status, d.exitCode, d.error?.category, d.error?.code], ['failed', null, 'unavailable', 'CAPSTAN_ERR_TARGET_CONNECT_FAILED']);
  t.match(d.error!.detail, /Connection refused/);
  const e = evs.find((x) => x.host === 'local1')!;
  t.same(pieces(e.stdout).map((p) => p.line), ['out-' + (e.stdout ?? '').slice(4)]);
  t.same(pieces(e.stderr), [{ line: 'err' }], 'the last line is whole: Ansible strips its newline');
  t.same(pieces('a\r\nb\r\n'), [{ line: 'a' }, { line: 'b' }]);
  const ok = adhocOutcome({ ...e, event: 'runner_on_ok', rc: 0 } as HostEvent);
  t.same([ok.status, ok.exitCode], ['succeeded', 0]);
});

t.test('callback lines of a playbook: per-host outcome from stats and events', async (t) => {
  const hosts = new Map<string, PlaybookHost>();
  let stats: Record<string, HostStats> = {};
  for (const e of eventsOf('playbook-events.jsonl')) {
    if (isHostEvent(e)) recordPlaybookEvent(hosts, e);
    else if (e.event === 'stats') stats = e.hosts;
  }
  const l1 = playbookOutcome('local1', hosts.get('local1'), stats.local1, false)!;
  t.same([l1.status, l1.exitCode, l1.changed], ['succeeded', 0, true]);
  const l2 = playbookOutcome('local2', hosts.get('local2'), stats.local2, false)!;
  t.same([l2.status, l2.exitCode, l2.error?.category], ['failed', 5, 'execution_failed']);
  t.match(l2.error!.detail, /in task 'fail one': non-zero return code/);
  t.same(hosts.get('local2')!.tasks.map((x) => x.status), ['skipped', 'failed']);
  t.equal(playbookOutcome('nobody', undefined, undefined, false), undefined);
  const unreachable = playbookOutcome('x', undefined, { ok: 0, failures: 0, unreachable: 1, changed: 0, skipped: 0, rescued: 0, ignored: 0 }, true)!;
  t.same([unreachable.status, unreachable.error?.category, (unreachable.value as any).check], ['failed', 'unavailable', true]);
});

t.test('event lines: anything else is not an event', async (t) => {
  t.equal(parseEventLine('[WARNING]: something'), undefined);
  t.equal(parseEventLine('{not json'), undefined);
  t.equal(parseEventLine('{"event":"runner_on_ok"}'), undefined, 'a host event needs a host');
  t.same(parseEventLine('{"event":"no_hosts_matched"}'), { event: 'no_hosts_matched' });
});

t.test('setup facts normalised', async (t) => {
  const { host, ansible_facts } = JSON.parse(fixture('setup-facts.json'));
  const f = normalizeFacts(host, ansible_facts, 'ansible');
  t.equal(f.kernel, 'Linux');
  t.ok(f.os.family && f.os.name && f.os.release);
  t.equal(f.hostname, ansible_facts.ansible_hostname);
  t.equal(f.memory.totalBytes, ansible_facts.ansible_memtotal_mb * 1024 * 1024);
  t.ok(f.networking.ipAddresses.length > 0);
  t.equal(f.raw, ansible_facts);
  t.equal(f.source, 'ansible');
});

t.test('plan parameters', async (t) => {
  t.same(parsePlanParams({ vars: { a: 1 }, tags: ['x', 'y'], check: true, diff: false }), { vars: { a: 1 }, tags: ['x', 'y'], check: true, diff: false });
  t.throws(() => parsePlanParams({ limit: 'all' }), /unknown playbook parameter/);
  t.throws(() => parsePlanParams({ tags: ['a,b'] }), /tag names/);
  t.throws(() => parsePlanParams({ tags: ['--check'] }), /tag names/);
  t.throws(() => parsePlanParams({ check: 'yes' }), /true or false/);
  t.throws(() => parsePlanParams({ vars: [1] }), /object/);
});

t.test('target names: pattern syntax refused', async (t) => {
  for (const ok of ['web1', 'web1.example.com', 'tb-node1', '10.0.0.1']) t.ok(SAFE_TARGET.test(ok), ok);
  for (const bad of ['-e', 'a,b', 'a:b', '!a', '&a', '~a.*', '@file', 'web*', 'a b', '']) t.notOk(SAFE_TARGET.test(bad), bad);
});

t.test('vars file: every string !unsafe, valid YAML', async (t) => {
  const y = unsafeVarsYaml({ cmd: "echo {{ lookup('pipe','id') }}\n", n: 3, list: ['a', { b: null }], ok: true });
  t.equal(y, `{"cmd": !unsafe "echo {{ lookup('pipe','id') }}\\n", "n": 3, "list": [!unsafe "a", {"b": null}], "ok": true}`);
  const { parse } = await import('yaml');
  t.same(parse(y, { customTags: [{ tag: '!unsafe', resolve: (s: string) => s }] } as any), { cmd: "echo {{ lookup('pipe','id') }}\n", n: 3, list: ['a', { b: null }], ok: true });
});
