/**
 * What Capstan adds on top of Ansible alone (issue 18): on the 3 loopback sshd hosts of the testbed,
 *
 *   npx tsx scripts/bench/ansible.ts [ROUNDS=3]
 *
 * 1. a command: `ansible all --limit=@FILE -m ansible.builtin.shell -a true` vs Capstan `command.execute`
 *    of `true` on group `web`;
 * 2. a 10-task playbook (10 `ansible.builtin.command: true` tasks, no fact gathering): `ansible-playbook
 *    bench10.yml --limit=@FILE` vs Capstan `plan.execute` of plan `bench10`.
 *
 * baseline: the executable started with execa, with the plugin's own environment (src/core/process-runner's
 *           allow-list + cli.ts ansibleEnv: same stdout callback, forks, timeout, a fresh ControlPath dir per
 *           run like the plugin's) and the same inventory (`--inventory=`), cwd (projectDir) and limit file.
 *           Only the ansible process is timed; its run dir is closed (ssh -O exit, rm) after the clock stops.
 * Capstan:  POST /api/v1/executions through app.inject (auth off, test config), then GET .../wait until
 *           terminal; this includes the plugin's run-dir setup and cleanup.
 * Baseline and Capstan alternate per round, one untimed warm-up each. Prints min/median/max per side, the
 * overhead (difference of medians) and the ratio of medians. Needs root, sshd and ansible-core; uses
 * 127.0.55.x only (CI runs use 127.0.51/53, the ansible tests 127.0.54).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { buildApp } from '../../src/app.js';
import { childEnv } from '../../src/core/process-runner.js';
import { testConfig } from '../../test/helper.js';
import { sshTestbedUnavailableReason } from '../../test/testbed/ssh-hosts.js';
import { withSshTestbed } from './ssh-testbed.js';
import { ansibleEnv, commonArgs, RunDir } from '../../plugins/native/ansible/cli.js';
import { AnsibleConfigSchema, type AnsibleConfig } from '../../plugins/native/ansible/config.js';
import { ansibleUnavailableReason, writeIniInventory } from '../../plugins/native/ansible/test/fixtures/helpers.js';

const NET = '127.0.55';
const TASKS = 10;
const ROUNDS = Number(process.argv[2] ?? 3);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`usage: npx tsx scripts/bench/ansible.ts [ROUNDS >= 1], got ${process.argv[2]}`);
const TERMINAL = ['succeeded', 'failed', 'partial', 'canceled', 'timed_out', 'interrupted'];

const reason = ansibleUnavailableReason() ?? sshTestbedUnavailableReason();
if (reason) {
  console.error(`ansible bench: cannot run: ${reason}`);
  process.exitCode = 2;
} else {
  await main();
}

async function main(): Promise<void> {
  await withSshTestbed(NET, async (tb, dataDir, teardown) => {
    const inventory = writeIniInventory(tb, tb.dir);
    const projectDir = join(tb.dir, 'bench-project');
    mkdirSync(projectDir, { recursive: true });
    writeFileSync(join(projectDir, 'bench10.yml'), [
      '- hosts: all', '  gather_facts: false', '  tasks:',
      ...Array.from({ length: TASKS }, (_, i) => [`    - name: step ${i + 1}`, '      ansible.builtin.command: "true"', '      changed_when: false']).flat(),
      '',
    ].join('\n'));
    const pluginCfg = { inventory, projectDir };
    const app = await buildApp(testConfig(dataDir, { plugins: { ansible: pluginCfg, ssh: { enabled: false } } } as never));
    teardown(() => app.close());
    await app.ready();

    // The plugin's config with its defaults filled, for the baseline's environment and common args.
    const d = (k: keyof typeof AnsibleConfigSchema.properties) => (AnsibleConfigSchema.properties[k] as { default?: number }).default!;
    const cfg: AnsibleConfig = {
      forks: d('forks'), connectTimeoutSeconds: d('connectTimeoutSeconds'), inventoryTtlSeconds: d('inventoryTtlSeconds'),
      inventoryStaleSeconds: d('inventoryStaleSeconds'), factsTtlSeconds: d('factsTtlSeconds'), queryTimeoutSeconds: d('queryTimeoutSeconds'),
      maxEventBytes: d('maxEventBytes'), ...pluginCfg,
    };
    const names = tb.hosts.map((h) => h.name);

    const direct = (tool: 'ansible' | 'ansible-playbook', args: (limit: string) => string[]) => async () => {
      const dir = await RunDir.create();
      try {
        const limit = await dir.file('limit', names.join('\n') + '\n');
        const s = performance.now();
        const r = await execa(tool, [...args(limit), ...commonArgs(cfg)], { cwd: projectDir, env: childEnv(ansibleEnv(cfg, dir)), extendEnv: false, reject: false });
        const ms = performance.now() - s;
        const oks = r.stdout.split('\n').filter((l) => l.includes('"runner_on_ok"')).length;
        const want = tool === 'ansible' ? names.length : names.length * TASKS;
        if (r.exitCode !== 0 || oks !== want) throw new Error(`${tool} failed (exit ${r.exitCode}, ${oks}/${want} ok): ${r.stderr.slice(-500)}`);
        return ms;
      } finally {
        await dir.close();
      }
    };
    const viaCapstan = (payload: Record<string, unknown>) => async () => {
      const s = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { ...payload, targets: ['web'], timeoutSeconds: 300 } });
      if (res.statusCode !== 202) throw new Error(`POST answered ${res.statusCode}: ${res.body}`);
      const id = res.json().id;
      let body: any;
      do body = (await app.inject({ method: 'GET', url: `/api/v1/executions/${id}/wait?timeout=120` })).json();
      while (!TERMINAL.includes(body.status));
      const ms = performance.now() - s;
      if (body.status !== 'succeeded' || body.results.length !== names.length) throw new Error(`execution ${id} ended ${body.status}: ${JSON.stringify(body.results)}`);
      return ms;
    };

    const cases = [
      {
        label: `command 'true' on ${names.length} hosts`,
        baselineLabel: 'ansible all -m ansible.builtin.shell -a true',
        baseline: direct('ansible', (limit) => ['all', `--limit=@${limit}`, '-m', 'ansible.builtin.shell', '-a', 'true']),
        capstan: viaCapstan({ capability: 'command.execute', params: { command: 'true' } }),
      },
      {
        label: `playbook of ${TASKS} tasks on ${names.length} hosts`,
        baselineLabel: 'ansible-playbook bench10.yml',
        baseline: direct('ansible-playbook', (limit) => [join(projectDir, 'bench10.yml'), `--limit=@${limit}`]),
        capstan: viaCapstan({ capability: 'plan.execute', params: { plan: 'bench10' } }),
      },
    ];
    console.log(`${ROUNDS} rounds per case (alternating, one untimed warm-up each); forks ${cfg.forks}; a fresh ControlPath dir per run on both sides`);
    for (const c of cases) {
      await c.baseline();
      await c.capstan();
      const b: number[] = [];
      const k: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        b.push(await c.baseline());
        k.push(await c.capstan());
      }
      const [bm, km] = [median(b), median(k)];
      console.log(`${c.label}:`);
      console.log(`  ${c.baselineLabel.padEnd(46)} ${row(b)}`);
      console.log(`  ${'Capstan (POST + /wait, inject)'.padEnd(46)} ${row(k)}`);
      console.log(`  overhead (median difference) ${fmt(km - bm)} ms, ratio Capstan / ansible (medians) ${(km / bm).toFixed(2)}`);
    }
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function row(xs: number[]): string {
  return `min ${fmt(Math.min(...xs)).padStart(7)} ms   median ${fmt(median(xs)).padStart(7)} ms   max ${fmt(Math.max(...xs)).padStart(7)} ms`;
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}
