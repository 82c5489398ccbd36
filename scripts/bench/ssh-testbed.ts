/**
 * The ssh testbed of the benchmarks that run against real sshd hosts (ssh-overhead.ts, ansible.ts): starts the
 * hosts on `net` (a /24 of loopback, e.g. `127.0.52`) with a fresh data dir, runs the bench, and tears down
 * whatever it registered, in reverse order, whatever happens (a teardown that fails sets exit code 1).
 */
import { rmSync } from 'node:fs';
import { tempDir } from '../../test/helper.js';
import { startSshHosts } from '../../test/testbed/ssh-hosts.js';

export type SshTestbed = Awaited<ReturnType<typeof startSshHosts>>;

/** `body` gets the testbed, the data dir and `teardown` to register more clean-ups (the app's close, ...). */
export async function withSshTestbed(net: string, body: (tb: SshTestbed, dataDir: string, teardown: (fn: () => unknown) => void) => Promise<void>): Promise<void> {
  const teardowns: (() => unknown)[] = [];
  const teardown = (fn: () => unknown) => { teardowns.push(fn); };
  const dataDir = tempDir('capstan-bench-');
  try {
    const t0 = performance.now();
    const tb = await startSshHosts({ teardown }, { net });
    console.log(`testbed up in ${Math.round(performance.now() - t0)} ms (${tb.hosts.map((h) => `${h.name}=${h.address}`).join(' ')})`);
    await body(tb, dataDir, teardown);
  } finally {
    for (const fn of teardowns.reverse()) {
      try {
        await fn();
      } catch (err) {
        console.error(`teardown: ${(err as Error).message}`);
        process.exitCode = 1;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
    console.log('testbed stopped');
  }
}
