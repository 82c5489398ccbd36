/**
 * Unit tests of the bolt plugin's pure parts, on the exact shapes Bolt prints (shared/reference/bolt-json.md,
 * checked against the fake): the streamed `{ "items": [` reader and the whole-stdout parser, the `_error`
 * kind -> category table, per-target outcomes, facts normalisation, inventory parsing, the argv builders,
 * and target validation before any process starts.
 */
import pino from 'pino';
import t from 'tap';
import { helpers } from '../../../../src/helpers/index.js';
import type { ExecutionContext } from '../../../../src/core/types.js';
import { loadConfig, validateConfig } from '../../../../src/config/load.js';
import { commonArgs, documentTooLarge, runArgs } from '../cli.js';
import { BoltConfigSchema, type BoltConfig } from '../config.js';
import { boltError, targetError } from '../errors.js';
import { normalizeFacts } from '../facts.js';
import { parseInventoryShow } from '../inventory.js';
import { parseBoltStdout, StdoutReader, type BoltResult } from '../json-stream.js';
import { itemLines, itemOutcome } from '../outcome.js';
import { BoltPlugin } from '../plugin.js';

// ---- exact Bolt output -------------------------------------------------------------------------------

const OK = '{"target":"web1","action":"command","object":"echo hi","status":"success","value":{"stdout":"hi\\n","stderr":"","merged_output":"hi\\n","exit_code":0}}';
const FAILED = '{"target":"web2","action":"command","object":"echo hi; exit 3","status":"failure","value":{"stdout":"hi\\n","stderr":"oops\\n","merged_output":"hi\\noops\\n","exit_code":3,"_error":{"kind":"puppetlabs.tasks/command-error","issue_code":"COMMAND_ERROR","msg":"The command failed with exit code 3","details":{"exit_code":3}}}}';
const UNREACHABLE = '{"target":"ghost","action":"command","object":null,"status":"failure","value":{"_error":{"details":{},"kind":"puppetlabs.tasks/connect-error","msg":"Failed to connect to ghost: Connection refused - connect(2) for 127.0.0.19:2222","issue_code":"CONNECT_ERROR"}}}';

/** A run document exactly as Bolt streams it: head, items separated by `,` lines, `],`, the summary. */
const streamed = (items: string[], count = items.length) =>
  ['{ "items": [', ...items.flatMap((i, n) => (n ? [',', i] : [i])), '],', `"target_count": ${count}, "elapsed_time": 0 }`, ''].join('\n');

/** A fatal error after the head: `],` then `"_error": ` on its own line, the error, `}`. */
const closedWithError = (items: string[], error: object) =>
  ['{ "items": [', ...items.flatMap((i, n) => (n ? [',', i] : [i])), '],', '"_error": ', JSON.stringify(error), '}', ''].join('\n');

const UNKNOWN_TASK = { kind: 'bolt/unknown-task', msg: "Could not find a task named 'nope'. For a list of available tasks, run 'bolt task show'.", details: {} };

t.test('StdoutReader: each result the moment its line arrives, in the streamed format', async (t) => {
  const seen: BoltResult[] = [];
  const reader = new StdoutReader((r) => seen.push(r));
  const read = (line: string) => reader.push(line);
  const doc = streamed([OK, FAILED, UNREACHABLE]);
  const out = doc.split('\n');
  read(out[0]);
  t.equal(seen.length, 0, 'the head is not a result');
  read(out[1]);
  t.same(seen.map((r) => r.target), ['web1'], 'the first result is delivered on its own line, before the rest exists');
  for (const line of out.slice(2)) read(line);
  t.same(seen.map((r) => [r.target, r.status]), [['web1', 'success'], ['web2', 'failure'], ['ghost', 'failure']], 'every result once, in order');
  t.same(seen[1].value._error?.details, { exit_code: 3 });

  const more: string[] = [];
  const reader2 = new StdoutReader((r) => more.push(r.target));
  const read2 = (line: string) => reader2.push(line);
  read2('{ "items": [');
  read2(`${OK},`);
  read2(`  ${FAILED}  `);
  read2('{ "target": "spaced", "status": "success", "value": {} }');
  read2('{"target":"truncated","status":"succ');
  read2('{"target":42,"status":"success","value":{}}');
  read2('],');
  read2('{"target":"after the items","status":"success","value":{}}');
  read2('"target_count": 1, "elapsed_time": 0 }');
  read2('"_error": ');
  read2(JSON.stringify(UNKNOWN_TASK));
  read2('CLI arguments ["connect-timeout"] might be overridden by Inventory');
  t.same(more, ['web1', 'web2', 'spaced'], 'a trailing comma and padding are tolerated; partial, non-string or non-result lines, and lines outside the items, are not results');
  t.match(reader2.text(), /"target":"truncated"[\s\S]*"target":42[\s\S]*after the items/, 'what is not a result is kept for the final parse');
});

t.test('parseBoltStdout: the whole stdout, whatever the exit code', async (t) => {
  const doc = parseBoltStdout(streamed([OK, FAILED]));
  t.equal(doc.kind, 'document', 'a streamed document (exit 0 or 1) parses as one JSON value');
  if (doc.kind === 'document') {
    t.same(doc.doc.items?.map((i) => i.target), ['web1', 'web2']);
    t.equal(doc.doc.target_count, 2);
    t.equal(doc.doc.elapsed_time, 0);
    t.notOk(doc.doc._error);
  }

  const empty = parseBoltStdout(streamed([], 0));
  t.same(empty, { kind: 'document', doc: { items: [], target_count: 0, elapsed_time: 0 } }, 'no targets');

  const closed = parseBoltStdout(closedWithError([OK], UNKNOWN_TASK));
  t.equal(closed.kind, 'document', 'items then a fatal error: still a document');
  if (closed.kind === 'document') {
    t.same(closed.doc.items?.map((i) => i.target), ['web1'], 'the items printed before the error are kept');
    t.same(closed.doc._error, UNKNOWN_TASK);
  }
  const noItems = parseBoltStdout(closedWithError([], UNKNOWN_TASK));
  t.ok(noItems.kind === 'document' && noItems.doc.items?.length === 0 && noItems.doc._error?.kind === 'bolt/unknown-task', 'head, then the error (unknown task)');

  const fatal = { kind: 'bolt.inventory/validation-error', msg: "Illegal character ',' in target name 'a,b' for group at [\"all\"]", details: { path: ['all'] } };
  t.same(parseBoltStdout(`${JSON.stringify(fatal)}\n`), { kind: 'fatal', error: fatal }, 'a top-level fatal {kind,msg,details} (exit 1)');
  const withCode = { kind: 'bolt/run-failure', msg: "run_command 'exit 3' failed on 1 target", details: { result_set: [] }, issue_code: 'RUN_FAILURE' };
  t.same(parseBoltStdout(JSON.stringify(withCode)), { kind: 'fatal', error: withCode }, 'with issue_code (exit 2)');

  t.same(parseBoltStdout('[{"target":"web1","status":"success","value":{}}]\n'), { kind: 'value', value: [{ target: 'web1', status: 'success', value: {} }] }, 'a plan result (array)');
  t.same(parseBoltStdout('null\n'), { kind: 'value', value: null }, 'a plan returning nothing');
  t.same(parseBoltStdout('"Plan completed successfully with no result"'), { kind: 'value', value: 'Plan completed successfully with no result' });
  t.same(parseBoltStdout('{"tasks":[["facts",null]],"modulepath":[]}'), { kind: 'value', value: { tasks: [['facts', null]], modulepath: [] } }, 'task show');

  t.same(parseBoltStdout("The inventoryfile '/nope' does not exist\n"), { kind: 'unparseable', text: "The inventoryfile '/nope' does not exist" }, 'errors printed before the outputter exists are plain text');
  t.same(parseBoltStdout(''), { kind: 'unparseable', text: '' });
  t.equal(parseBoltStdout('{ "items": [\n' + OK + '\n,\n').kind, 'unparseable', 'a document cut off (bolt killed) is not a document');
});

t.test('StdoutReader: results go out as their lines arrive and are not kept; the rest still parses', async (t) => {
  const seen: string[] = [];
  const reader = new StdoutReader((r) => seen.push(r.target));
  for (const line of streamed([OK, FAILED, UNREACHABLE]).split('\n')) reader.push(line);
  t.same(seen, ['web1', 'web2', 'ghost'], 'every result, in order');
  t.same(parseBoltStdout(reader.text()), { kind: 'document', doc: { items: [], target_count: 3, elapsed_time: 0 } }, 'the kept text is the document without its results');
  t.equal(reader.overflowBytes, 0);

  const closed = new StdoutReader((r) => seen.push(r.target));
  for (const line of closedWithError([OK], UNKNOWN_TASK).split('\n')) closed.push(line);
  const parsed = parseBoltStdout(closed.text());
  t.ok(parsed.kind === 'document' && parsed.doc._error?.kind === 'bolt/unknown-task' && parsed.doc.items?.length === 0, 'a closing _error is kept');

  const plan = new StdoutReader(() => t.fail('a plan result is not a streamed item'));
  const value = JSON.stringify([JSON.parse(OK)]);
  plan.push(value);
  t.equal(plan.text(), value, 'outside a document (plans, inventories, fatal errors) every line is kept as printed');

  const oneLine = new StdoutReader(() => t.fail('not streamed'));
  oneLine.push(`{ "items": [${OK}], "target_count": 1, "elapsed_time": 0 }`);
  const whole = parseBoltStdout(oneLine.text());
  t.ok(whole.kind === 'document' && whole.doc.items?.[0].target === 'web1', 'a document on one line is parsed at the end, items included');

  const bounded = new StdoutReader(() => {}, 10);
  bounded.push('0123456789');
  bounded.push('abc');
  bounded.push('de');
  t.same([bounded.text(), bounded.overflowBytes], ['0123456789', 5], 'kept text bounded; what did not fit is counted, never kept in part');
});

t.test('boltError / targetError: every _error kind to its category', async (t) => {
  const cases: [object, string, string][] = [
    [{ kind: 'puppetlabs.tasks/connect-error', issue_code: 'CONNECT_ERROR', msg: 'Failed to connect to web1: No route to host', details: {} }, 'unavailable', 'CAPSTAN_ERR_TARGET_CONNECT_FAILED'],
    [{ kind: 'puppetlabs.tasks/connect-error', issue_code: 'CONNECT_ERROR', msg: 'Timeout after 10 seconds connecting to web1', details: {} }, 'unavailable', 'CAPSTAN_ERR_TARGET_CONNECT_FAILED'],
    [{ kind: 'puppetlabs.tasks/connect-error', issue_code: 'AUTH_ERROR', msg: 'Failed to connect to web1: Authentication failed for user nobody@web1', details: {} }, 'unauthorized', 'CAPSTAN_ERR_TARGET_AUTH_FAILED'],
    [{ kind: 'puppetlabs.tasks/connect-error', issue_code: 'HOST_KEY_ERROR', msg: 'Host key verification failed for web1: fingerprint SHA256:x is unknown', details: {} }, 'forbidden', 'CAPSTAN_ERR_TARGET_HOST_KEY_MISMATCH'],
    [{ kind: 'puppetlabs.tasks/escalate-error', issue_code: 'BAD_PASSWORD', msg: 'Sudo password for user nobody not recognized on web1', details: {} }, 'unauthorized', 'CAPSTAN_ERR_TARGET_AUTH_FAILED'],
    [{ kind: 'puppetlabs.tasks/command-error', issue_code: 'COMMAND_ERROR', msg: 'The command failed with exit code 3', details: { exit_code: 3 } }, 'execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED'],
    [{ kind: 'puppetlabs.tasks/task-error', issue_code: 'TASK_ERROR', msg: 'The task failed with exit code 4', details: { exit_code: 4 } }, 'execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED'],
    [{ kind: 'puppetlabs.tasks/task_file_error', issue_code: 'COPY_ERROR', msg: 'Could not copy file to /tmp/x: denied', details: {} }, 'execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED'],
    [{ kind: 'puppetlabs.tasks/exception-error', issue_code: 'EXCEPTION', msg: 'No such file or directory - nosuch', details: { class: 'Errno::ENOENT', stack_trace: '' } }, 'execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED'],
    [{ kind: 'bolt/run-failure', msg: "run_command 'exit 3' failed on 2 targets", details: {} }, 'execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED'],
    [UNKNOWN_TASK, 'not_found', 'CAPSTAN_ERR_TASK_NOT_FOUND'],
    [{ kind: 'bolt/unknown-plan', msg: "Could not find a plan named 'x'. For a list of available plans, run 'bolt plan show'.", details: {} }, 'not_found', 'CAPSTAN_ERR_TASK_NOT_FOUND'],
    [{ kind: 'bolt/parse-error', msg: 'Could not parse target URI: URI is empty string', details: {} }, 'validation', 'CAPSTAN_ERR_REQUEST_VALIDATION'],
    [{ kind: 'bolt/validation-error', msg: 'Invalid configuration', details: {} }, 'validation', 'CAPSTAN_ERR_REQUEST_VALIDATION'],
    [{ kind: 'bolt/pal-error', msg: "Task demo::greet:\n expects a value for parameter 'who'", details: {} }, 'validation', 'CAPSTAN_ERR_REQUEST_VALIDATION'],
    [{ kind: 'bolt/cli-error', msg: "Unknown argument '--x'", details: {} }, 'validation', 'CAPSTAN_ERR_REQUEST_VALIDATION'],
    [{ kind: 'bolt.inventory/validation-error', msg: "Illegal character ',' in target name 'a,b'", details: { path: [] } }, 'validation', 'CAPSTAN_ERR_REQUEST_VALIDATION'],
    [{ kind: 'bolt.inventory/wildcard-error', msg: 'Found 0 targets matching wildcard pattern zz*', details: {} }, 'validation', 'CAPSTAN_ERR_REQUEST_VALIDATION'],
  ];
  for (const [raw, category, code] of cases) {
    const e = raw as { kind: string; msg: string; issue_code?: string };
    for (const [fn, err] of [['boltError', boltError(e)], ['targetError', targetError(e)]] as const) {
      t.same([err.category, err.code], [category, code], `${fn} ${e.kind}${e.issue_code ? ` ${e.issue_code}` : ''} -> ${category}`);
    }
    t.equal(boltError(e).message, e.msg, `${e.kind}: the detail is Bolt's message`);
  }
  t.same(boltError({ kind: 'puppetlabs.tasks/connect-error', issue_code: 'AUTH_ERROR', msg: 'x' }).extra, { boltKind: 'puppetlabs.tasks/connect-error', issueCode: 'AUTH_ERROR' }, "Bolt's kind and issue code go into the problem");
  t.same(boltError(UNKNOWN_TASK).extra, { boltKind: 'bolt/unknown-task' });

  const custom = { kind: 'demo/not-found', msg: 'no such widget', details: { widget: 'x' } };
  t.same([targetError(custom).category, targetError(custom).code], ['execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED'], "a task's own _error kind fails the target");
  t.same([boltError(custom).category, boltError(custom).code], ['unavailable', 'CAPSTAN_ERR_UPSTREAM_ERROR'], 'an unknown fatal kind is bolt failing');
  t.equal(boltError({ kind: 'bolt/file-error', msg: "The inventoryfile '/x' does not exist" }).category, 'unavailable');
  t.equal(boltError({ kind: 'bolt/some-timeout', msg: 'x' }).category, 'timeout');
  t.equal(boltError({ kind: 'bolt/error', msg: '' }).message, 'bolt/error', 'no msg: the kind is the detail');
});

t.test('itemOutcome / itemLines: one result to a target outcome and its lines', async (t) => {
  const ok = itemOutcome(JSON.parse(OK));
  t.same(ok, { target: 'web1', status: 'succeeded', exitCode: 0, value: { exit_code: 0 } }, 'command output is streamed as lines, not repeated in value');
  t.same(itemLines(JSON.parse(OK)), { stdout: [{ line: 'hi' }], stderr: [] });

  const failed = itemOutcome(JSON.parse(FAILED));
  t.same([failed.status, failed.exitCode, failed.error?.category, failed.error?.code], ['failed', 3, 'execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED']);
  t.equal(failed.error?.detail, 'The command failed with exit code 3');
  t.same(Object.keys(failed.value as object), ['exit_code', '_error'], 'the _error is kept in value');
  t.same(itemLines(JSON.parse(FAILED)), { stdout: [{ line: 'hi' }], stderr: [{ line: 'oops' }] });

  const unreachable = itemOutcome(JSON.parse(UNREACHABLE));
  t.same([unreachable.status, unreachable.exitCode, unreachable.error?.category], ['failed', null, 'unavailable'], 'no exit code when it never ran');
  t.same(itemLines(JSON.parse(UNREACHABLE)), { stdout: [], stderr: [] });

  for (const [code, category] of [['AUTH_ERROR', 'unauthorized'], ['HOST_KEY_ERROR', 'forbidden']]) {
    const r = itemOutcome({ target: 'h', action: 'command', object: null, status: 'failure', value: { _error: { details: {}, kind: 'puppetlabs.tasks/connect-error', msg: 'm', issue_code: code } } });
    t.equal(r.error?.category, category, `${code} -> ${category}`);
  }

  const taskOk = { target: 'web1', action: 'task', object: 'demo::greet', status: 'success', value: { greeting: 'hello bob', times: 2 } } as BoltResult;
  t.same(itemOutcome(taskOk), { target: 'web1', status: 'succeeded', exitCode: 0, value: { greeting: 'hello bob', times: 2 } }, "a task's JSON object is its value");
  t.same(itemLines(taskOk), { stdout: [], stderr: [] });

  const taskFail = JSON.parse('{"target":"web1","action":"task","object":"demo::fail","status":"failure","value":{"_output":"about to fail\\n","_error":{"kind":"puppetlabs.tasks/task-error","issue_code":"TASK_ERROR","msg":"The task failed with exit code 4","details":{"exit_code":4}}}}');
  const tf = itemOutcome(taskFail);
  t.same([tf.status, tf.exitCode, tf.error?.category], ['failed', 4, 'execution_failed'], 'task-error: exit code from details');
  t.equal((tf.value as any)._output, 'about to fail\n', 'a task value stays whole');
  t.same(itemLines(taskFail).stdout, [{ line: 'about to fail' }], '_output lines');

  const noExit = itemOutcome({ target: 'x', action: 'task', object: 't', status: 'failure', value: { _error: { kind: 'demo/oops', msg: 'custom' } } });
  t.same([noExit.exitCode, noExit.error?.category], [null, 'execution_failed']);
  const bare = itemOutcome({ target: 'x', action: 'command', object: 'c', status: 'failure', value: {} });
  t.same([bare.status, bare.error?.category], ['failed', 'execution_failed'], 'a failure without _error still carries an error');
  t.same(itemOutcome({ target: 'x', status: 'skipped', value: {} } as BoltResult), { target: 'x', status: 'skipped', exitCode: null, value: {} });
  t.same(itemLines({ target: 'x', status: 'success', value: { stdout: 'a\n\nb', stderr: '' } }).stdout, [{ line: 'a' }, { line: '' }, { line: 'b', partial: true }], 'blank lines kept; a last line without newline is a partial piece');
  for (const text of ['a\n\nb', 'a\n', '\n', 'x', 'a\r\nb\r\n', '\n\nend']) {
    const back = itemLines({ target: 'x', status: 'success', value: { stdout: text } }).stdout.map((p) => p.line + (p.partial ? '' : '\n')).join('');
    t.equal(back, text, `${JSON.stringify(text)}: the pieces give the text back exactly`);
  }
});

t.test('normalizeFacts: facter-shaped facts to the Facts contract, raw kept', async (t) => {
  const raw = {
    kernel: 'Linux', kernelrelease: '6.1.0',
    os: { family: 'Debian', name: 'Debian', release: { full: '12.11', major: '12', minor: '11' }, architecture: 'amd64' },
    processors: { count: 2, isa: 'x86_64', models: ['AMD EPYC', 'AMD EPYC'], physicalcount: 1 },
    memory: { system: { total: '23.54 GiB', total_bytes: 25276502016, used_bytes: 1 } },
    networking: {
      fqdn: 'vm.example.com', hostname: 'vm', ip: '192.0.2.2', ip6: 'fd00::2', primary: 'eth0',
      interfaces: {
        eth0: { bindings: [{ address: '192.0.2.2', netmask: '255.255.255.0' }], bindings6: [{ address: 'fe80::1' }], ip: '192.0.2.2', ip6: 'fd00::2' },
        lo: { bindings: [{ address: '127.0.0.1' }], ip: '127.0.0.1', ip6: '::1' },
      },
    },
  };
  const f = normalizeFacts('web1', structuredClone(raw), 'bolt');
  t.same(f.os, { family: 'Debian', name: 'Debian', release: '12.11' });
  t.equal(f.kernel, 'Linux');
  t.equal(f.kernelRelease, '6.1.0', "Facter's kernelrelease");
  t.equal(f.hostname, 'vm');
  t.same(f.processors, { count: 2, model: 'AMD EPYC' });
  t.same(f.memory, { totalBytes: 25276502016 });
  t.equal(f.networking.fqdn, 'vm.example.com');
  t.same([...f.networking.ipAddresses].sort(), ['127.0.0.1', '192.0.2.2', '::1', 'fd00::2', 'fe80::1'].sort(), 'IPv4 and IPv6 addresses, once each');
  t.same(f.networking.interfaces, raw.networking.interfaces);
  t.same(f.raw, raw, 'raw facts kept as gathered');
  t.equal(f.node, 'web1');
  t.equal(f.source, 'bolt');
  t.ok(!Number.isNaN(Date.parse(f.gatheredAt)), 'gatheredAt is a date');

  const sparse = normalizeFacts('x', { os: { release: '7' }, processors: { count: '4' }, memory: { system: { total_bytes: 1024.7 } }, hostname: 'legacy', fqdn: 'legacy.example' }, 'bolt');
  t.same(sparse.os, { family: undefined, name: undefined, release: '7' }, 'a plain string release');
  t.same(sparse.processors, { count: 4, model: undefined }, 'numeric strings accepted');
  t.same(sparse.memory, { totalBytes: 1024 });
  t.same([sparse.hostname, sparse.networking.fqdn], ['legacy', 'legacy.example'], 'legacy top-level facts');
  t.same(sparse.networking.ipAddresses, []);
  const none = normalizeFacts('y', {}, 'bolt');
  t.same([none.os, none.processors, none.memory, none.networking], [{ family: undefined, name: undefined, release: undefined }, { count: undefined, model: undefined }, { totalBytes: undefined }, { fqdn: undefined, ipAddresses: [] }], 'nothing known: empty shapes');
});

t.test('parseInventoryShow: targets, groups and transport from `inventory show --detail`', async (t) => {
  const detail = (name: string, uri: string | null, transport: string, groups: string[], extra: object = {}) => ({
    name, uri, alias: [], config: { transport, [transport]: {} }, vars: {}, features: [], facts: {}, plugin_hooks: {}, groups, ...extra,
  });
  const doc = {
    adhoc: { count: 0, targets: [] },
    inventory: { count: 4, targets: [], file: '/p/inventory.yaml', default: '/p/inventory.yaml' },
    targets: [
      detail('web2', null, 'local', ['web', 'all'], { alias: 'w2' }),
      detail('web3', 'web3', 'local', ['canary', 'web', 'all']),
      detail('db1', null, 'local', ['db', 'all'], { alias: ['database', 'pg'], vars: { role: 'db' }, facts: { os: { family: 'RedHat', name: 'Rocky', release: { full: '9.3' } } } }),
      detail('deadhost', '127.0.0.19', 'ssh', ['remote', 'all']),
    ],
    count: 4,
  };
  const inv = parseInventoryShow(doc, 'bolt');
  t.same(inv.nodes.map((n) => n.name), ['db1', 'deadhost', 'web2', 'web3'], 'sorted by name');
  const by = Object.fromEntries(inv.nodes.map((n) => [n.name, n]));
  t.same(by.web2, { id: 'web2', name: 'web2', uri: 'web2', transport: 'local', groups: ['web', 'all'], sources: [{ source: 'bolt', id: 'web2' }], alias: ['w2'] }, 'a single alias string becomes a list');
  t.same(by.db1.alias, ['database', 'pg']);
  t.same(by.db1.vars, { role: 'db' });
  t.same(by.db1.facts, { osFamily: 'RedHat', osName: 'Rocky', osRelease: '9.3' }, 'inventory facts summarised');
  t.same([by.deadhost.uri, by.deadhost.transport], ['127.0.0.19', 'ssh']);
  t.same(by.web3.groups, ['canary', 'web', 'all'], 'nested group membership, all last');
  t.notOk('alias' in by.web3, 'no empty alias list');
  t.same(inv.groups, [
    { name: 'canary', targets: ['web3'], sources: ['bolt'] },
    { name: 'db', targets: ['db1'], sources: ['bolt'] },
    { name: 'remote', targets: ['deadhost'], sources: ['bolt'] },
    { name: 'web', targets: ['web2', 'web3'], sources: ['bolt'] },
  ], 'groups from the targets, without all, sorted');

  const plain = parseInventoryShow({ targets: ['b', 'a'], count: 2 }, 'bolt');
  t.same(plain.nodes.map((n) => [n.name, n.transport, n.groups]), [['a', 'ssh', ['all']], ['b', 'ssh', ['all']]], 'without --detail: names only, Bolt\'s default transport');
  t.throws(() => parseInventoryShow({ items: [] }, 'bolt'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' }, 'no targets list');
  t.throws(() => parseInventoryShow(null, 'bolt'), { code: 'CAPSTAN_ERR_UPSTREAM_ERROR' });
});

const cfg = (over: Partial<BoltConfig> = {}): BoltConfig => ({
  binary: 'bolt', concurrency: 100, connectTimeoutSeconds: 10, inventoryTtlSeconds: 60, inventoryStaleSeconds: 300,
  factsTtlSeconds: 300, queryTimeoutSeconds: 60, maxDocumentBytes: 67_108_864, ...over,
});

t.test('argv: --format json, project and inventory from config, targets as one argument', async (t) => {
  t.same(commonArgs(cfg()), ['--format', 'json']);
  t.same(commonArgs(cfg({ projectDir: '/p dir', inventoryFile: '/p dir/inv.yaml' })), ['--format', 'json', '--project', '/p dir', '--inventoryfile', '/p dir/inv.yaml'], 'paths with spaces stay one argument');
  t.same(runArgs(cfg(), ['web1', 'web2']), ['--targets', 'web1,web2', '--concurrency', '100', '--connect-timeout', '10']);
  t.same(runArgs(cfg({ concurrency: 7, connectTimeoutSeconds: 3 }), ['a'], 'deploy'), ['--targets', 'a', '--concurrency', '7', '--connect-timeout', '3', '--run-as', 'deploy']);
  const defaults = Object.fromEntries(Object.entries(BoltConfigSchema.properties).map(([k, s]) => [k, (s as { default?: unknown }).default]));
  t.same(defaults, { binary: 'bolt', projectDir: undefined, inventoryFile: undefined, concurrency: 100, connectTimeoutSeconds: 10, inventoryTtlSeconds: 60, inventoryStaleSeconds: 300, factsTtlSeconds: 300, queryTimeoutSeconds: 60, maxDocumentBytes: 67_108_864 }, 'documented defaults');
});

t.test('maxDocumentBytes: default 64 MiB, from the environment through the loader, and the error past it', async (t) => {
  const own = (env: Record<string, string>) => validateConfig(BoltConfigSchema, loadConfig({ env, pluginIds: ['bolt'] }).plugins.bolt ?? {}, 'plugins.bolt') as BoltConfig;
  t.equal(own({}).maxDocumentBytes, 67_108_864, 'default');
  t.equal(own({ CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES: '1048576' }).maxDocumentBytes, 1_048_576, 'CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES');
  t.throws(() => own({ CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES: '12' }), /maxDocumentBytes/, 'below the minimum: refused with its path');
  const e = documentTooLarge(cfg({ maxDocumentBytes: 65_536 }), [263_412, 90_000], 'results');
  t.same([e.code, e.category], ['CAPSTAN_ERR_OUTPUT_DOCUMENT_TOO_LARGE', 'unavailable']);
  t.equal(e.message, "bolt printed 2 JSON documents (results) of 263412 bytes, 90000 bytes, over the bolt plugin's maxDocumentBytes of 65536 bytes; they were dropped, not guessed. Raise plugins.bolt.maxDocumentBytes (env CAPSTAN_PLUGINS_BOLT_MAX_DOCUMENT_BYTES).");
  t.same(e.extra, { documentBytes: [263_412, 90_000], maxDocumentBytes: 65_536, configKey: 'plugins.bolt.maxDocumentBytes' });
});

t.test('targets Bolt would misread are refused before any process starts', async (t) => {
  // A binary that does not exist: had the plugin started it, the error would be TOOL_NOT_INSTALLED.
  const plugin = new BoltPlugin(cfg({ binary: '/nonexistent/capstan-bolt' }), pino({ level: 'silent' }), helpers);
  const caps = Object.fromEntries(plugin.capabilities().map((c) => [c.name, c]));
  const ctx = (names: string[]): ExecutionContext => ({
    correlationId: 'unit', principal: { id: 'test', permissions: ['*'] }, debug: false, signal: new AbortController().signal,
    logger: pino({ level: 'silent' }), emit: () => {}, executionId: 'x', targets: names.map((name) => ({ name, groups: [], sources: [] })),
  });
  const bad = ['-x', '--help', 'web1,web2', 'a b', '@/etc/passwd', '', 'tab\there'];
  for (const name of bad) {
    for (const cap of ['command.execute', 'script.execute', 'task.execute', 'plan.execute']) {
      const params = cap === 'command.execute' ? { command: 'id' } : cap === 'script.execute' ? { script: 'id' } : cap === 'task.execute' ? { task: 'facts' } : { plan: 'facts' };
      await t.rejects(caps[cap].handler(params, ctx(['web1', name])), { code: 'CAPSTAN_ERR_TARGET_INVALID', category: 'validation' }, `${cap} refuses ${JSON.stringify(name)}`);
    }
    await t.rejects(caps['info.facts'].handler({ node: name }, ctx([])), { code: 'CAPSTAN_ERR_TARGET_INVALID' }, `info.facts refuses ${JSON.stringify(name)}`);
    await t.rejects(caps['info.refresh'].handler({ node: name }, ctx([])), { code: 'CAPSTAN_ERR_TARGET_INVALID' }, `info.refresh refuses ${JSON.stringify(name)}`);
  }
  await t.rejects(caps['command.execute'].handler({ command: 'id' }, ctx(['web1', 'db-1.example.com', '10.0.0.1', 'ssh://h:22'])), { code: 'CAPSTAN_ERR_TOOL_NOT_INSTALLED' }, 'ordinary names pass (and then bolt is missing)');
  const health = await plugin.healthCheck();
  t.equal(health.status, 'unhealthy');
  t.match(health.message, /bolt not installed/);

  const noProject = new BoltPlugin(cfg({ binary: '/nonexistent/capstan-bolt', projectDir: '/nonexistent/capstan-project' }), pino({ level: 'silent' }), helpers);
  t.match(await noProject.healthCheck(), { status: 'unhealthy', message: /project directory '\/nonexistent\/capstan-project' does not exist/ }, 'a missing project is named as such, not as a missing bolt');
});
