/**
 * Unit tests of the ssh plugin's pure parts: the Bolt v2 inventory parser, shell quoting and the command
 * wrappers (run through a real `sh -c` to prove nothing is injected), the classification of OpenSSH's own
 * failure messages, and the facts parser.
 */
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import t from 'tap';
import { classify, sshFailure, type Ended } from '../classify.js';
import { SshConfigSchema } from '../config.js';
import { FACTS_SCRIPT, osFamily, parseFacts } from '../facts.js';
import { LOCALHOST_ONLY, connectionOf, loadInventoryFile, parseInventory } from '../inventory.js';
import { withWatchdog } from '../../../../src/core/target-watchdog.js';
import { noProcessMatching, testWatchdogOptions } from '../../../../test/processes.js';
import { quote, scriptDirName, scriptRunner, wrapCommand } from '../shell.js';
import { sshArgv } from '../transport.js';

const CONFIG_INVALID = { code: 'CAPSTAN_ERR_CONFIG_INVALID' };

/** Runs a sh command line the way the local transport does (argv, no outer shell). */
async function sh(line: string, opts: { input?: string; env?: Record<string, string>; cwd?: string } = {}) {
  const r = await execa('/bin/sh', ['-c', line], {
    input: opts.input, reject: false, cwd: opts.cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env }, extendEnv: false,
  });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
}

/** Strings that break naive quoting: quotes, substitutions, globs, separators, newlines, option-looking. */
const TRICKY = [
  `it's`, `"double"`, `$(touch CANARY)`, '`touch CANARY`', '$HOME', '${PATH}', '*', 'a b  c', 'semi; touch CANARY',
  'line1\nline2', "'; touch CANARY; '", '\\', '\\n', '-n', '--', '', 'é ü 漢字', '\t tab', '!bang', '#hash', 'a&&touch CANARY',
  '|| touch CANARY', '> CANARY', "end'", "''", '"$(touch CANARY)"',
];

t.test('parseInventory', async (t) => {
  t.test('config precedence: target > inner group > outer group > top; URI parts win', async (t) => {
    const inv = parseInventory({
      version: 2,
      config: { transport: 'ssh', ssh: { user: 'top', port: 10, 'private-key': '/k/top', 'host-key-check': true, 'run-as': 'deploy' } },
      groups: [{
        name: 'outer',
        config: { ssh: { user: 'outer', port: 20, 'private-key': '/k/outer' } },
        groups: [{
          name: 'inner',
          config: { ssh: { user: 'inner', port: 30 } },
          targets: [
            { uri: 'web1.example.com', config: { ssh: { port: 40 } } },
            'web2.example.com',
            'ssh://alice@web3.example.com:2200',
          ],
        }],
        targets: ['db1.example.com'],
      }],
    });
    const c1 = inv.targets.get('web1.example.com')!.connection;
    t.same(
      { user: c1.user, port: c1.port, key: c1.privateKey, hkc: c1.hostKeyCheck, runAs: c1.runAs, host: c1.host, transport: c1.transport },
      { user: 'inner', port: 40, key: '/k/outer', hkc: 'yes', runAs: 'deploy', host: 'web1.example.com', transport: 'ssh' },
      'port from the target, user from the inner group, key from the outer group, the rest from the top',
    );
    const c2 = inv.targets.get('web2.example.com')!.connection;
    t.same({ user: c2.user, port: c2.port }, { user: 'inner', port: 30 }, 'a plain string target takes the inner group settings');
    const c3 = inv.targets.get('ssh://alice@web3.example.com:2200')!.connection;
    t.same({ host: c3.host, user: c3.user, port: c3.port }, { host: 'web3.example.com', user: 'alice', port: 2200 },
      "user and port written in the URI cannot be overridden by config (Bolt's rule)");
    const db = inv.targets.get('db1.example.com')!;
    t.same({ user: db.connection.user, port: db.connection.port }, { user: 'outer', port: 20 }, 'a target of the outer group skips the inner config');
    t.same(inv.targets.get('web1.example.com')!.groups.sort(), ['inner', 'outer'], 'a member of a nested group is also a member of its ancestors');
    t.same(db.groups, ['outer']);
    const outer = inv.groups.find((g) => g.name === 'outer')!;
    t.same(outer, { name: 'outer', targets: ['db1.example.com'], groups: ['inner'] }, 'groups keep their direct members and child groups');
  });

  t.test('first group wins, target definitions merge, vars shallow, facts deep', async (t) => {
    const inv = parseInventory({
      version: 2,
      vars: { region: 'eu', site: { dc: 'top' } },
      facts: { os: { family: 'Debian', release: '12' } },
      groups: [
        { name: 'a', config: { ssh: { user: 'from_a' } }, vars: { role: 'a', site: { rack: 'a1' } }, targets: ['shared', { name: 'only_a', uri: '10.0.0.1' }] },
        { name: 'b', config: { ssh: { user: 'from_b', port: 2222 } }, vars: { role: 'b', tier: 'b' }, targets: [{ name: 'shared', vars: { own: true }, facts: { os: { release: '11' } } }] },
      ],
    });
    const s = inv.targets.get('shared')!;
    t.equal(s.connection.user, 'from_a', 'the first group that holds the target wins a conflicting key');
    t.equal(s.connection.port, 2222, 'keys only a later group sets still apply');
    t.same(s.groups, ['a', 'b']);
    t.same(s.vars, { own: true, role: 'a', tier: 'b', site: { rack: 'a1' }, region: 'eu' },
      'vars merge key by key (target > first group > later group > top), a hash value is replaced, not merged');
    t.same(s.facts, { os: { family: 'Debian', release: '11' } }, 'facts merge deeply, the target wins');
    t.equal(inv.targets.size, 2, 'a target listed in two groups is one target');
    t.equal(inv.targets.get('only_a')!.connection.host, '10.0.0.1', 'name + uri: the uri is the address');
  });

  t.test('string targets and URIs', async (t) => {
    const inv = parseInventory({
      targets: ['host1:2222', 'ssh://bob@host2:2200', 'host3', 'local://box', '[::1]:2022', 'ssh://[fe80::1]', '10.1.2.3'],
    });
    const c = (n: string) => { const x = inv.targets.get(n)!.connection; return { transport: x.transport, host: x.host, port: x.port, user: x.user }; };
    t.same(c('host1:2222'), { transport: 'ssh', host: 'host1', port: 2222, user: undefined });
    t.same(c('ssh://bob@host2:2200'), { transport: 'ssh', host: 'host2', port: 2200, user: 'bob' });
    t.same(c('host3'), { transport: 'ssh', host: 'host3', port: undefined, user: undefined });
    t.same(c('local://box').transport, 'local');
    t.same(c('[::1]:2022'), { transport: 'ssh', host: '::1', port: 2022, user: undefined });
    t.same(c('ssh://[fe80::1]').host, 'fe80::1');
    t.same(c('10.1.2.3').host, '10.1.2.3');
    t.equal(inv.targets.get('host1:2222')!.uri, 'host1:2222', 'the uri is kept as written');
  });

  t.test('name without uri: host from config.ssh.host; transport local', async (t) => {
    const inv = parseInventory({
      version: 2,
      targets: [
        { name: 'app', config: { ssh: { host: 'app.internal', port: 2201 } } },
        { name: 'builder', config: { transport: 'local' } },
        'localhost',
      ],
    });
    t.same({ host: inv.targets.get('app')!.connection.host, port: inv.targets.get('app')!.connection.port }, { host: 'app.internal', port: 2201 });
    t.equal(inv.targets.get('builder')!.connection.transport, 'local');
    t.equal(inv.targets.get('localhost')!.connection.transport, 'local', 'localhost defaults to the local transport, as in Bolt');
    const sshLocalhost = parseInventory({ config: { transport: 'ssh' }, targets: ['localhost'] });
    t.equal(sshLocalhost.targets.get('localhost')!.connection.transport, 'ssh', 'an explicit transport overrides the localhost default');
  });

  t.test('alias, host-key-check values, private-key forms', async (t) => {
    const inv = parseInventory({
      targets: [
        { name: 'n1', uri: 'h1', alias: 'one', config: { ssh: { 'host-key-check': false } } },
        { name: 'n2', uri: 'h2', alias: ['two', 'deux'], config: { ssh: { 'host-key-check': 'accept-new', 'private-key': { 'key-path': '/k/n2' } } } },
        { name: 'n3', uri: 'h3', config: { ssh: { 'host-key-check': true } } },
      ],
    });
    t.same(inv.targets.get('n1')!.alias, ['one']);
    t.same(inv.targets.get('n2')!.alias, ['two', 'deux']);
    t.equal(inv.targets.get('n1')!.connection.hostKeyCheck, 'no');
    t.equal(inv.targets.get('n2')!.connection.hostKeyCheck, 'accept-new');
    t.equal(inv.targets.get('n3')!.connection.hostKeyCheck, 'yes');
    t.equal(inv.targets.get('n2')!.connection.privateKey, '/k/n2');
    t.equal(inv.targets.get('n1')!.connection.hostKeyCheck && connectionOf('x', 'x', {}).hostKeyCheck, undefined, 'unset: the plugin default applies');
  });

  t.test('rejected documents', async (t) => {
    t.throws(() => parseInventory({ version: 1, groups: [] }), CONFIG_INVALID, 'version 1');
    t.throws(() => parseInventory({ version: '2', groups: [] }), CONFIG_INVALID, 'version as a string');
    t.throws(() => parseInventory(['a']), CONFIG_INVALID, 'not a mapping');
    t.throws(() => parseInventory({ groups: [{ name: 'all', targets: ['x'] }] }), CONFIG_INVALID, "'all' is reserved");
    t.throws(() => parseInventory({ groups: [{ name: 'outer', groups: [{ name: 'all' }] }] }), CONFIG_INVALID, "'all' reserved in nested groups too");
    for (const bad of ['web servers', 'Web', '-web', 'web.prod', '', 'wéb']) {
      t.throws(() => parseInventory({ groups: [{ name: bad, targets: ['x'] }] }), CONFIG_INVALID, `bad group name ${JSON.stringify(bad)}`);
    }
    t.throws(() => parseInventory({ groups: [{ targets: ['x'] }] }), CONFIG_INVALID, 'group without a name');
    t.throws(() => parseInventory({ targets: [{ vars: { a: 1 } }] }), CONFIG_INVALID, 'target without name or uri');
    t.throws(() => parseInventory({ groups: [{ name: 'web', targets: ['web'] }] }), CONFIG_INVALID, 'a group named like a target');
    t.throws(() => parseInventory({ groups: [{ name: 'g1', targets: ['a'] }, { name: 'g1', targets: ['b'] }] }), CONFIG_INVALID, 'a group defined twice');
    t.throws(() => parseInventory({ targets: ['winrm://win1'] }), CONFIG_INVALID, 'a transport this plugin cannot drive (URI)');
    t.throws(() => parseInventory({ config: { transport: 'winrm' }, targets: ['win1'] }), CONFIG_INVALID, 'a transport this plugin cannot drive (config)');
    t.throws(() => parseInventory({ targets: ['-oProxyCommand=x'] }), CONFIG_INVALID, 'a host that looks like an option');
    t.throws(() => parseInventory({ targets: [{ name: 'p', uri: 'h', config: { ssh: { port: 'twenty' } } }] }), CONFIG_INVALID, 'a port that is not a number');
    const ok = parseInventory({ version: 2, groups: [{ name: 'web-servers_2', targets: ['x'] }, { name: '2nd', targets: ['y'] }] });
    t.same(ok.groups.map((g) => g.name), ['web-servers_2', '2nd'], "Bolt's group names: lowercase letters, digits, _ and - (not first)");
  });

  t.test('files', async (t) => {
    const dir = t.testdir({
      'good.yaml': 'version: 2\ngroups:\n  - name: web\n    targets: [w1, w2]\n',
      'broken.yaml': 'version: 2\ngroups: [\n',
    });
    const inv = loadInventoryFile(join(dir, 'good.yaml'));
    t.same([...inv.targets.keys()], ['w1', 'w2']);
    t.throws(() => loadInventoryFile(join(dir, 'broken.yaml')), CONFIG_INVALID, 'YAML syntax error');
    t.throws(() => loadInventoryFile(join(dir, 'missing.yaml')), CONFIG_INVALID, 'missing file');
    const def = parseInventory(LOCALHOST_ONLY);
    t.same([...def.targets.keys()], ['localhost']);
    t.equal(def.targets.get('localhost')!.connection.transport, 'local', 'the embedded default is localhost over the local transport');
  });
});

t.test('shell quoting survives a real sh', async (t) => {
  const dir = t.testdir();
  for (const s of TRICKY) {
    const r = await sh(`printf '%s' ${quote(s)}`, { cwd: dir });
    t.equal(r.stdout, s, `quote(${JSON.stringify(s)}) round-trips`);
  }
  t.notOk(existsSync(join(dir, 'CANARY')), 'nothing was executed from inside a quoted word');
});

t.test('wrapCommand', async (t) => {
  const dir = t.testdir({ 'we ird\'$(x)': {} });
  const weird = join(dir, 'we ird\'$(x)');

  t.test('env values are passed verbatim', async (t) => {
    const env = Object.fromEntries(TRICKY.map((v, i) => [`V${i}`, v]));
    const line = wrapCommand(TRICKY.map((_, i) => `printf '<%s>' "$V${i}"`).join('; '), { env });
    const r = await sh(line, { cwd: dir });
    t.equal(r.stdout, TRICKY.map((v) => `<${v}>`).join(''));
    t.notOk(existsSync(join(dir, 'CANARY')), 'no injection through env values');
  });

  t.test('cwd with quotes and spaces', async (t) => {
    const r = await sh(wrapCommand('pwd', { cwd: weird }));
    t.equal(r.stdout, weird);
    const both = await sh(wrapCommand('pwd; printf "%s" "$X"', { cwd: weird, env: { X: '$(id)' } }));
    t.equal(both.stdout, `${weird}\n$(id)`);
  });

  t.test('a cwd that does not exist stops the command', async (t) => {
    const r = await sh(wrapCommand('echo ran', { cwd: join(dir, 'nope') }));
    t.not(r.code, 0, 'non-zero exit');
    t.equal(r.stdout, '', 'the command did not run');
    const chained = await sh(wrapCommand('false || echo ran; echo after', { cwd: join(dir, 'nope') }));
    t.not(chained.code, 0);
    t.equal(chained.stdout, '', 'no part of a compound command runs after a failed cd');
  });

  t.test('the command itself is untouched without env/cwd/runAs', async (t) => {
    t.equal(wrapCommand('echo "$HOME" | tr a-z A-Z'), 'echo "$HOME" | tr a-z A-Z');
    const r = await sh(wrapCommand('echo a\necho b; exit 4'));
    t.same([r.stdout, r.code], ['a\nb', 4], 'multi-line commands and exit codes pass through');
  });

  t.test('runAs goes through sudo -n -u USER with argv boundaries intact', async (t) => {
    const bin = t.testdir({
      // A stand-in for sudo that records its argv (one per line) and then runs the command.
      sudo: '#!/bin/sh\nfor a in "$@"; do printf "arg:%s\\n" "$a"; done\n[ "$1" = -n ] && [ "$2" = -u ] && [ "$4" = -- ] || exit 99\nshift 4\nexec "$@"\n',
    });
    execaSync('chmod', ['+x', join(bin, 'sudo')]);
    const line = wrapCommand('printf "%s|" "$A" "$(echo sub)"', { runAs: 'deploy', env: { A: "x'y" }, cwd: dir });
    const r = await sh(line, { env: { PATH: `${bin}:${process.env.PATH}` } });
    t.equal(r.code, 0);
    const lines = r.stdout.split('\n');
    t.same(lines.slice(0, 5), ['arg:-n', 'arg:-u', 'arg:deploy', 'arg:--', 'arg:env'], 'sudo -n -u deploy -- env ...');
    t.equal(lines[lines.length - 1], "x'y|sub|", 'the command runs with its env under sudo');
  });
});

let dirs = 0;
const dirName = () => scriptDirName(`unit${process.pid}n${++dirs}`);

t.test('scriptRunner', async (t) => {
  const tmp = t.testdir();
  const env = { TMPDIR: tmp };

  t.test('arguments arrive verbatim (sh script via its shebang)', async (t) => {
    const script = '#!/bin/sh\nfor a in "$@"; do printf "[%s]" "$a"; done\n';
    const r = await sh(scriptRunner(TRICKY, undefined, dirName()), { input: script, env, cwd: tmp });
    t.equal(r.code, 0, r.stderr);
    t.equal(r.stdout, TRICKY.map((a) => `[${a}]`).join(''));
    t.notOk(existsSync(join(tmp, 'CANARY')), 'no injection through arguments');
  });

  t.test('interpreter, exit codes, stdin of the script', async (t) => {
    const r = await sh(scriptRunner(['a b'], 'sh', dirName()), { input: 'printf "%s" "$1"; exit 7\n', env });
    t.same([r.stdout, r.code], ['a b', 7], 'script without shebang through an interpreter; its exit code is the result');
    const noShebang = await sh(scriptRunner([], undefined, dirName()), { input: 'echo plain\n', env });
    t.same([noShebang.stdout, noShebang.code], ['plain', 0], 'a script without a shebang still runs (sh fallback)');
  });

  t.test('python3 interpreter', { skip: execaSync('sh', ['-c', 'command -v python3'], { reject: false }).exitCode === 0 ? false : 'python3 not installed' }, async (t) => {
    const r = await sh(scriptRunner(TRICKY, 'python3', dirName()), { input: 'import sys, json\nprint(json.dumps(sys.argv[1:]))\n', env });
    t.equal(r.code, 0, r.stderr);
    t.same(JSON.parse(r.stdout), TRICKY);
  });

  t.test('wrapped with env and cwd', async (t) => {
    const r = await sh(wrapCommand(scriptRunner(['arg'], undefined, dirName()), { env: { GREETING: 'hi $(x)' } }), { input: '#!/bin/sh\necho "$GREETING $1"\n', env });
    t.equal(r.stdout, 'hi $(x) arg');
  });

  t.test('extension: the script file is script<extension>', async (t) => {
    const r = await sh(scriptRunner(['a b'], undefined, dirName(), '.sh'), { input: '#!/bin/sh\necho "$0 $1"\n', env });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, /\/capstan\.[\w-]+\/script\.sh a b$/, 'run by its shebang as script.sh');
    const viaSh = await sh(scriptRunner([], 'sh', dirName(), '.py'), { input: 'echo "$0"\n', env });
    t.match(viaSh.stdout, /\/script\.py$/, 'an interpreter other than PowerShell gets the file as its one argument');
    t.throws(() => scriptRunner([], undefined, dirName(), '.a"b'), /extension/, 'an extension that is not . and letters or digits is refused');
    t.throws(() => scriptRunner([], undefined, dirName(), 'ps1'), /extension/, 'the dot is required');
  });

  t.test('extension .ps1 with powershell / pwsh: -NoProfile -NonInteractive -ExecutionPolicy Bypass -File', async (t) => {
    // A fake PowerShell on PATH that prints its name and argv, then the file after -File, and exits 3.
    const bin = t.testdir({ fake: {} }) + '/fake';
    const fake = '#!/bin/sh\nprintf "%s\\n" "${0##*/}" "$@"\nwhile [ $# -gt 0 ]; do [ "$1" = -File ] && cat "$2"; shift; done\nexit 3\n';
    for (const name of ['powershell', 'pwsh']) writeFileSync(join(bin, name), fake, { mode: 0o755 });
    const path = { ...env, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` };
    for (const interpreter of ['powershell', 'pwsh', join(bin, 'pwsh')]) {
      const r = await sh(scriptRunner(['x y', '-z'], interpreter, dirName(), '.ps1'), { input: 'Write-Output "hi"\n', env: path });
      const out = r.stdout.split('\n');
      t.equal(r.code, 3, `${interpreter}: its exit code is the result`);
      t.same(out.slice(0, 6), [interpreter.split('/').pop(), '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File'], `${interpreter}: the PowerShell flags, then -File`);
      t.match(out[6], /\/capstan\.[\w-]+\/script\.ps1$/, `${interpreter}: the file ends in .ps1`);
      t.same(out.slice(7), ['x y', '-z', 'Write-Output "hi"'], `${interpreter}: the arguments after the file, and the script as sent (no line added)`);
    }
    const upper = await sh(scriptRunner([], 'pwsh', dirName(), '.PS1'), { input: 'x\n', env: path });
    t.match(upper.stdout, /^pwsh\n-NoProfile\n/, '.PS1 is .ps1');
    const noPs = await sh(scriptRunner([], 'pwsh', dirName(), '.txt'), { input: 'x\n', env: path });
    t.match(noPs.stdout, /^pwsh\n\S+\/script\.txt$/, 'another extension: the interpreter gets the file alone (no -File)');
  });

  t.test('the temporary script is removed', async (t) => {
    t.same(readdirSync(tmp).filter((f) => f.startsWith('capstan.')), [], 'no capstan.* file left in TMPDIR');
  });
});

const wd = testWatchdogOptions;

const gone = noProcessMatching;

t.test('withWatchdog and scriptRunner together', async (t) => {
  const env = { SHELL: '/bin/sh', PATH: process.env.PATH ?? '/usr/bin:/bin' };

  t.test('the script directory is removed when the session goes (SIGKILLed script)', async (t) => {
    const tmp = t.testdir();
    const name = dirName();
    const line = scriptRunner([], undefined, name);
    // The script ignores SIGTERM, so only the SIGKILL after the grace ends it: no trap of its shell runs.
    const script = `#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 0.1; done\n`;
    const child = execa('sh', ['-c', `sh -c ${quote(withWatchdog(line, wd({ cleanupDir: name })))} & sleep 0.8; exit 0`], { reject: false, env: { ...env, TMPDIR: tmp }, input: script });
    await child;
    const deadline = Date.now() + 10_000;
    while (existsSync(join(tmp, name)) && Date.now() < deadline) await execa('sleep', ['0.1']);
    t.notOk(existsSync(join(tmp, name)), 'no capstan.* directory left');
  });
});

t.test('sshArgv', async (t) => {
  const cfg = { sshBinary: 'ssh', connectTimeoutSeconds: 7, hostKeyCheck: 'yes' as const, maxParallel: 4, factsTtlSeconds: 0, knownHostsFile: '/kh', remoteKillGraceSeconds: 5 };
  const argv = sshArgv({ name: 'n', transport: 'ssh', host: 'h1', port: 2222, user: 'u', privateKey: '/k' }, cfg, 'echo "a b"');
  t.same(argv.slice(-3), ['--', 'h1', 'echo "a b"'], 'the remote command is one argument after the host, after --');
  const opts = argv.join(' ');
  for (const o of ['BatchMode=yes', 'ConnectTimeout=7', 'StrictHostKeyChecking=yes', 'UserKnownHostsFile=/kh', '-p 2222', '-l u', '-i /k', 'IdentitiesOnly=yes']) {
    t.ok(opts.includes(o), o);
  }
  const relaxed = sshArgv({ name: 'n', transport: 'ssh', host: 'h1', hostKeyCheck: 'no' }, cfg, 'true').join(' ');
  t.ok(relaxed.includes('StrictHostKeyChecking=no'), "a target's host-key-check wins over the plugin default");
  t.notOk(relaxed.includes('-l '), 'no user: ssh picks its own default');
  t.same(SshConfigSchema.properties.hostKeyCheck.default, 'yes', 'strict host keys by default');
});

t.test('sshFailure on real OpenSSH messages', async (t) => {
  const cases: [string[], string | undefined][] = [
    [['ssh: connect to host 127.0.0.19 port 2222: Connection refused'], 'unavailable'],
    [['ssh: connect to host 10.255.255.1 port 22: Connection timed out'], 'unavailable'],
    [['ssh: connect to host 192.0.2.1 port 22: No route to host'], 'unavailable'],
    [['ssh: Could not resolve hostname nope.invalid: Name or service not known'], 'unavailable'],
    [['ssh: Could not resolve hostname nope.invalid: Temporary failure in name resolution'], 'unavailable'],
    [['Connection timed out during banner exchange', 'Connection to 127.0.0.11 port 2222 timed out'], 'unavailable'],
    [['kex_exchange_identification: read: Connection reset by peer', 'Connection reset by 127.0.0.11 port 2222'], 'unavailable'],
    [['kex_exchange_identification: Connection closed by remote host', 'Connection closed by 127.0.0.11 port 2222'], 'unavailable'],
    [['capstan-tb@127.0.0.11: Permission denied (publickey).'], 'unauthorized'],
    [['nobody@127.0.0.11: Permission denied (publickey,password).'], 'unauthorized'],
    [['Received disconnect from 127.0.0.11 port 2222:2: Too many authentication failures', 'Disconnected from 127.0.0.11 port 2222'], 'unauthorized'],
    [['Host key verification failed.'], 'forbidden'],
    [[
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
      '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
      'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
      'Host key for [127.0.0.14]:2222 has changed and you have requested strict checking.',
      'Host key verification failed.',
    ], 'forbidden'],
    [['No ED25519 host key is known for [127.0.0.14]:2222 and you have requested strict checking.', 'Host key verification failed.'], 'forbidden'],
    [['bash: line 1: frobnicate: command not found'], undefined],
    [['ls: cannot access \'/nope\': No such file or directory'], undefined],
    [[], undefined],
  ];
  for (const [stderr, category] of cases) {
    const e = sshFailure(stderr);
    t.equal(e?.category, category, `${JSON.stringify(stderr[stderr.length - 1] ?? '(empty)')} -> ${category ?? 'not an ssh failure'}`);
  }
  const hk = sshFailure(cases[12][0])!;
  t.equal(hk.message, 'Host key verification failed.', 'the detail is the most telling line');
});

t.test('classify', async (t) => {
  const live = new AbortController().signal;
  const end = (exitCode: number | null, stderrTail: string[] = [], aborted = false): Ended => ({ exitCode, aborted, durationMs: 12.6, stderrTail });
  t.same(classify('n', 'ssh', end(0), live), { target: 'n', status: 'succeeded', exitCode: 0, durationMs: 13 });
  const three = classify('n', 'ssh', end(3), live);
  t.same([three.status, three.exitCode, three.error?.category, three.error?.code], ['failed', 3, 'execution_failed', 'CAPSTAN_ERR_EXECUTION_FAILED']);
  const refused = classify('n', 'ssh', end(255, ['ssh: connect to host h port 22: Connection refused']), live);
  t.same([refused.status, refused.exitCode, refused.error?.category], ['failed', null, 'unavailable'], 'ssh failure: no exit code of the command');
  t.match(refused.error?.detail, /Connection refused/);
  const remote255 = classify('n', 'ssh', end(255, ['my-tool: fatal']), live);
  t.same([remote255.exitCode, remote255.error?.category], [255, 'execution_failed'], 'exit 255 of the remote command itself');
  const local = classify('n', 'local', end(255, ['Permission denied (publickey).']), live);
  t.same([local.exitCode, local.error?.category], [255, 'execution_failed'], 'the local transport never maps stderr to ssh errors');
  const auth1 = classify('n', 'ssh', end(1, ['cat: /root/x: Permission denied']), live);
  t.equal(auth1.error?.category, 'execution_failed', 'a remote "Permission denied" with exit 1 is the command failing');
  const signaled = classify('n', 'local', end(null), live);
  t.same([signaled.status, signaled.error?.category], ['failed', 'execution_failed'], 'killed by a signal from outside');

  const timeout = new AbortController();
  timeout.abort('timeout');
  const to = classify('n', 'ssh', end(null, [], true), timeout.signal);
  t.same([to.status, to.exitCode, to.error?.category], ['timed_out', null, 'timeout']);
  const cancel = new AbortController();
  cancel.abort('cancel');
  t.equal(classify('n', 'ssh', end(null, [], true), cancel.signal).status, 'canceled');
});

t.test('facts', async (t) => {
  t.test('osFamily', async (t) => {
    const cases: [string, string, string, string][] = [
      ['debian', '', 'Linux', 'Debian'], ['ubuntu', 'debian', 'Linux', 'Debian'], ['linuxmint', 'ubuntu debian', 'Linux', 'Debian'],
      ['raspbian', 'debian', 'Linux', 'Debian'], ['rhel', 'fedora', 'Linux', 'RedHat'], ['rocky', 'rhel centos fedora', 'Linux', 'RedHat'],
      ['almalinux', 'rhel centos fedora', 'Linux', 'RedHat'], ['fedora', '', 'Linux', 'RedHat'], ['amzn', 'centos rhel fedora', 'Linux', 'RedHat'],
      ['ol', 'fedora', 'Linux', 'RedHat'], ['opensuse-leap', 'suse opensuse', 'Linux', 'Suse'], ['sles', 'suse', 'Linux', 'Suse'],
      ['alpine', '', 'Linux', 'Alpine'], ['arch', '', 'Linux', 'Archlinux'], ['manjaro', 'arch', 'Linux', 'Archlinux'],
      ['', '', 'Darwin', 'Darwin'], ['', '', 'FreeBSD', 'FreeBSD'], ['gentoo', '', 'Linux', 'Linux'],
    ];
    for (const [id, like, kernel, family] of cases) t.equal(osFamily(id, like, kernel), family, `${id || kernel} -> ${family}`);
  });

  t.test('parseFacts', async (t) => {
    const lines = [
      'Welcome to the machine', // a banner line from a login script is ignored
      'os_id=ubuntu', 'os_id_like=debian', 'os_name=Ubuntu', 'os_release=22.04', 'os_pretty=Ubuntu 22.04.4 LTS',
      'kernel=Linux', 'kernelrelease=5.15.0-100-generic', 'architecture=x86_64', 'hostname=web1', 'fqdn=web1.example.com',
      'processor_count=4', 'processor_model=Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz', 'memory_kb=8048216',
      'ip_addresses=10.0.0.5 172.17.0.1 fe80::1 ', 'uptime_seconds=123', 'weird=a=b',
    ];
    const f = parseFacts('web1', lines, 'ssh');
    t.same(f.os, { family: 'Debian', name: 'Ubuntu', release: '22.04' });
    t.same([f.kernel, f.hostname, f.processors.count, f.processors.model], ['Linux', 'web1', 4, 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz']);
    t.equal(f.kernelRelease, '5.15.0-100-generic', 'kernel name and release apart, as Facter and Ansible users expect');
    t.equal(f.memory.totalBytes, 8048216 * 1024);
    t.same(f.networking, { fqdn: 'web1.example.com', ipAddresses: ['10.0.0.5', '172.17.0.1', 'fe80::1'] });
    t.equal(f.raw.weird, 'a=b', 'a value may hold "="');
    t.notOk('Welcome to the machine' in f.raw);
    t.equal(f.source, 'ssh');
    t.ok(!Number.isNaN(Date.parse(f.gatheredAt)));
    const sparse = parseFacts('x', ['kernel=Darwin', 'processor_count=', 'memory_kb=n/a', 'ip_addresses='], 'ssh');
    t.same([sparse.os.family, sparse.processors.count, sparse.memory.totalBytes, sparse.networking.ipAddresses], ['Darwin', undefined, undefined, []],
      'missing or non-numeric values stay undefined');
  });

  t.test('the facts script runs in sh and yields this machine\'s facts', async (t) => {
    const r = await sh('sh -s', { input: FACTS_SCRIPT });
    t.equal(r.code, 0, r.stderr);
    const f = parseFacts('localhost', r.stdout.split('\n'), 'ssh');
    t.equal(f.kernel, 'Linux');
    t.match(f.kernelRelease, /^\d+\.\d+/, 'kernel release (uname -r)');
    t.ok(f.hostname, 'hostname');
    t.ok((f.processors.count ?? 0) > 0, 'processor count');
    t.ok((f.memory.totalBytes ?? 0) > 0, 'memory');
  });
});

