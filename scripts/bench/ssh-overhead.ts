/**
 * What Capstan adds on top of plain OpenSSH: `uptime` on the 3 testbed hosts in parallel, N times each way.
 *
 *   npx tsx scripts/bench/ssh-overhead.ts [N=20]
 *
 * baseline: a bash script that starts `ssh ... uptime` to the 3 hosts in the background and waits (the very
 *           argv the plugin builds, so the options are the same);
 * Capstan:  POST /api/v1/executions (command.execute on group `web`) through app.inject, then
 *           GET .../wait until terminal.
 * The two alternate, one untimed warm-up each. Needs root and sshd (the testbed); uses 127.0.52.x.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { buildApp } from '../../src/app.js';
import { testConfig } from '../../test/helper.js';
import { sshTestbedUnavailableReason } from '../../test/testbed/ssh-hosts.js';
import { withSshTestbed } from './ssh-testbed.js';
import { SshConfigSchema, type SshConfig } from '../../plugins/native/ssh/config.js';
import { quote } from '../../plugins/native/ssh/shell.js';
import { sshArgv } from '../../plugins/native/ssh/transport.js';

const N = Number(process.argv[2] ?? 20);
if (!Number.isInteger(N) || N < 1) throw new Error(`usage: npx tsx scripts/bench/ssh-overhead.ts [repetitions >= 1], got ${process.argv[2]}`);
const reason = sshTestbedUnavailableReason();
if (reason) {
  console.error(`ssh-overhead: cannot run: ${reason}`);
  process.exitCode = 2;
} else {
  await main();
}

async function main(): Promise<void> {
  await withSshTestbed('127.0.52', async (tb, dataDir, teardown) => {
    const ssh = { user: tb.user, port: tb.port, 'private-key': tb.privateKey, 'host-key-check': true };
    const inventoryFile = join(tb.dir, 'bench-inventory.yaml');
    writeFileSync(inventoryFile, stringify({
      version: 2, groups: [{ name: 'web', config: { transport: 'ssh', ssh }, targets: tb.hosts.map((h) => ({ name: h.name, uri: h.address })) }],
    }));
    const pluginCfg = { inventoryFile, knownHostsFile: tb.knownHosts, hostKeyCheck: 'yes' as const };
    const app = await buildApp(testConfig(dataDir, { plugins: { ssh: pluginCfg } }));
    teardown(() => app.close());
    await app.ready();

    // The baseline uses the plugin's own argv builder with the same plugin config (defaults filled).
    const cfg: SshConfig = {
      sshBinary: 'ssh', connectTimeoutSeconds: SshConfigSchema.properties.connectTimeoutSeconds.default,
      maxParallel: 32, factsTtlSeconds: 300, remoteKillGraceSeconds: 5, ...pluginCfg,
    };
    const script = join(tb.dir, 'baseline.sh');
    writeFileSync(script, [
      '#!/bin/bash',
      ...tb.hosts.map((h) => `${['ssh', ...sshArgv({ name: h.name, transport: 'ssh', host: h.address, port: tb.port, user: tb.user, privateKey: tb.privateKey }, cfg, 'uptime')].map(quote).join(' ')} < /dev/null > /dev/null &`),
      'fail=0; for j in $(jobs -p); do wait "$j" || fail=1; done; exit $fail',
      '',
    ].join('\n'));

    const baseline = async () => {
      const s = performance.now();
      const r = await execa('bash', [script], { reject: false });
      if (r.exitCode !== 0) throw new Error(`baseline failed (exit ${r.exitCode}): ${r.stderr}`);
      return performance.now() - s;
    };
    const capstan = async () => {
      const s = performance.now();
      const res = await app.inject({ method: 'POST', url: '/api/v1/executions', payload: { capability: 'command.execute', targets: ['web'], params: { command: 'uptime' } } });
      if (res.statusCode !== 202) throw new Error(`POST answered ${res.statusCode}: ${res.body}`);
      const id = res.json().id;
      let body = (await app.inject({ method: 'GET', url: `/api/v1/executions/${id}/wait?timeout=60` })).json();
      for (let i = 0; i < 5 && !['succeeded', 'failed', 'partial', 'canceled', 'timed_out', 'interrupted'].includes(body.status); i++) {
        body = (await app.inject({ method: 'GET', url: `/api/v1/executions/${id}/wait?timeout=60` })).json();
      }
      if (body.status !== 'succeeded') throw new Error(`execution ${id} ended ${body.status}: ${JSON.stringify(body.results)}`);
      return performance.now() - s;
    };

    await baseline();
    await capstan();
    const b: number[] = [];
    const c: number[] = [];
    for (let i = 0; i < N; i++) {
      b.push(await baseline());
      c.push(await capstan());
    }
    const targets = tb.hosts.length;
    const [bm, cm] = [quantile(b, 0.5), quantile(c, 0.5)];
    console.log(`repetitions: ${N}, targets per execution: ${targets} (in parallel), command: uptime`);
    console.log(`plain ssh (bash, 3 x ssh &, wait):   median ${fmt(bm)} ms   p95 ${fmt(quantile(b, 0.95))} ms   min ${fmt(Math.min(...b))} ms   max ${fmt(Math.max(...b))} ms`);
    console.log(`Capstan (POST + /wait, inject):      median ${fmt(cm)} ms   p95 ${fmt(quantile(c, 0.95))} ms   min ${fmt(Math.min(...c))} ms   max ${fmt(Math.max(...c))} ms`);
    console.log(`ratio Capstan / plain ssh (medians): ${(cm / bm).toFixed(2)}`);
    console.log(`overhead per execution (median):     ${fmt(cm - bm)} ms; per target: ${fmt((cm - bm) / targets)} ms`);
  });
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
}

function fmt(ms: number): string {
  return ms.toFixed(1);
}
