/**
 * Test hosts with their OWN root filesystem and dpkg state, for the apt tests: one Debian bookworm rootfs built
 * once (scripts/testbed/rootfs-build.sh, cached in /srv/testbed/capstan-rootfs, built under a lock so two test
 * files never build it at the same time), and per host an overlay (lower: the rootfs; upper and work: the host's
 * own temp dir) with /proc, /dev and the test's apt repository (read-only) mounted in it and sshd chrooted
 * there, listening on the host's own loopback address. Everything is set up by `unshare --mount --uts
 * --propagation private`: the mounts live in that process's namespace only and vanish with the last process in
 * it. Root logs in with the testbed's key only; each host has its own host key.
 *
 *   const tb = await startRootfsHosts(t, { repoDir })   // torn down when t ends
 *   tb.hosts[0] -> { name: 'tb-apt1', address: '127.0.57.11', ... }; tb.ssh(host, 'dpkg -l')
 *
 * Teardown kills every process in each host's mount namespace (sshd and whatever its sessions left), by pid,
 * and removes the host dirs.
 */
import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '../until.js';

export const ROOTFS = process.env.CAPSTAN_TEST_ROOTFS ?? '/srv/testbed/capstan-rootfs';
const BUILD = fileURLToPath(new URL('../../scripts/testbed/rootfs-build.sh', import.meta.url));
/** Where the repository is mounted inside every host. */
export const REPO_IN_HOST = '/srv/tbrepo';

export interface RootfsHost {
  name: string;
  address: string;
  /** Host dir: upper/, work/, merged/ (mount point, empty outside the namespace), sshd.log. */
  dir: string;
  /** sshd's pid (it is the process unshare became). */
  pid: number;
  /** Its mount namespace (`mnt:[...]`): every process of the host has it. */
  mntNs: string;
}

export interface SshResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export interface RootfsTestbed {
  hosts: RootfsHost[];
  port: number;
  user: 'root';
  privateKey: string;
  knownHosts: string;
  dir: string;
  /** Runs a command on a host over ssh (root); never rejects. */
  ssh(host: RootfsHost, command: string, opts?: { timeout?: number }): Promise<SshResult>;
  /** ssh argv (without the command) for a host. */
  sshArgs(host: RootfsHost): string[];
  /** Pids of the host's processes other than its sshd listener. */
  processes(host: RootfsHost): number[];
}

function onPath(cmd: string): boolean {
  return [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'].some((d) => {
    try { accessSync(join(d, cmd), constants.X_OK); return true; } catch { return false; }
  });
}

/** Why the testbed cannot run here, or undefined. */
export function rootfsTestbedUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return 'rootfs testbed needs Linux';
  if (process.getuid?.() !== 0) return 'rootfs testbed needs root (mount, chroot, unshare)';
  for (const c of ['unshare', 'chroot', 'mount', 'ssh', 'ssh-keygen', 'dpkg-deb', 'flock']) if (!onPath(c)) return `rootfs testbed needs ${c}`;
  return undefined;
}

/** Builds the rootfs unless it is there (under a lock file next to it); resolves with its path. */
export async function ensureRootfs(): Promise<string> {
  try { accessSync(join(ROOTFS, '.done')); return ROOTFS; } catch { /* build it */ }
  mkdirSync(join(ROOTFS, '..'), { recursive: true });
  const r = await execa('flock', ['-w', '1500', `${ROOTFS}.lock`, 'bash', BUILD], { env: { ROOTFS }, reject: false, timeout: 1_600_000 });
  if (r.failed) throw new Error(`rootfs-build.sh failed (exit ${r.exitCode}): ${r.stderr}\n${r.stdout}`);
  return ROOTFS;
}

/** Port 22 when the address is free there, else 2222 (a system sshd listening on 0.0.0.0:22). */
async function pickPort(address: string): Promise<number> {
  const free = (port: number) => new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, address, () => s.close(() => resolve(true)));
  });
  if (await free(22)) return 22;
  if (await free(2222)) return 2222;
  throw new Error(`neither port 22 nor 2222 is free on ${address}`);
}

function mntNs(pid: number | string): string | undefined {
  try { return readlinkSync(`/proc/${pid}/ns/mnt`); } catch { return undefined; }
}

function pidsIn(ns: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p) && mntNs(p) === ns).map(Number);
}

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const MOUNT_AND_RUN = [
  'set -e',
  'M="$2/merged"',
  'mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$M"',
  'mount -t proc proc "$M/proc"',
  'mount --rbind /dev "$M/dev"',
  `mount --bind "$3" "$M${REPO_IN_HOST}"`,
  `mount -o remount,bind,ro "$M${REPO_IN_HOST}"`,
  'hostname "$4"',
  'exec chroot "$M" /usr/sbin/sshd -D -e -f /etc/ssh/capstan_sshd_config',
].join('\n');

export interface StartOptions {
  /** The repository dir (buildDebRepo) mounted read-only at /srv/tbrepo in every host. */
  repoDir: string;
  /** Host names and addresses; default tb-apt1..3 on 127.0.57.11..13. */
  hosts?: { name: string; address: string }[];
}

export async function startRootfsHosts(t: { teardown(fn: () => unknown): void }, opts: StartOptions): Promise<RootfsTestbed> {
  const why = rootfsTestbedUnavailableReason();
  if (why) throw new Error(why);
  const rootfs = await ensureRootfs();
  const wanted = opts.hosts ?? [1, 2, 3].map((i) => ({ name: `tb-apt${i}`, address: `127.0.57.${10 + i}` }));
  const dir = mkdtempSync(join(tmpdir(), 'capstan-rootfs-tb-'));
  const hosts: RootfsHost[] = [];
  t.teardown(async () => {
    for (const h of hosts) {
      for (const pid of pidsIn(h.mntNs)) try { process.kill(pid, 'SIGTERM'); } catch { /* gone */ }
    }
    const left = () => hosts.flatMap((h) => pidsIn(h.mntNs)).filter(alive);
    try {
      await until('the hosts\' processes to end', () => left().length === 0, 5000);
    } catch {
      for (const pid of left()) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
      await until('the hosts\' processes to end after SIGKILL', () => left().length === 0, 5000);
    }
    if (process.env.CAPSTAN_TB_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  });

  const privateKey = join(dir, 'id_ed25519');
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'capstan-rootfs-tb', '-f', privateKey]);
  const publicKey = readFileSync(`${privateKey}.pub`, 'utf8');
  const port = await pickPort(wanted[0].address);
  const known: string[] = [];
  for (const w of wanted) {
    const hdir = join(dir, w.name);
    const up = join(hdir, 'upper');
    for (const d of ['work', 'merged', 'upper/etc/ssh', 'upper/etc/apt/sources.list.d', `upper${REPO_IN_HOST}`, 'upper/run/sshd']) mkdirSync(join(hdir, d), { recursive: true, mode: 0o755 });
    mkdirSync(join(up, 'root/.ssh'), { recursive: true });
    chmodSync(join(up, 'root'), 0o700);
    chmodSync(join(up, 'root/.ssh'), 0o700);
    writeFileSync(join(up, 'root/.ssh/authorized_keys'), publicKey, { mode: 0o600 });
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', w.name, '-f', join(up, 'etc/ssh/ssh_host_ed25519_key')]);
    const hostKey = readFileSync(join(up, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    known.push(`${port === 22 ? w.address : `[${w.address}]:${port}`} ${hostKey}`);
    writeFileSync(join(up, 'etc/ssh/capstan_sshd_config'), [
      `ListenAddress ${w.address}:${port}`, 'HostKey /etc/ssh/ssh_host_ed25519_key', 'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'UsePAM no',
      'AuthorizedKeysFile .ssh/authorized_keys', 'PidFile none', 'LogLevel ERROR', 'MaxStartups 100:30:200', 'MaxSessions 50',
      'Subsystem sftp internal-sftp', '',
    ].join('\n'));
    writeFileSync(join(up, `etc/apt/sources.list.d/tbrepo.list`), `deb [trusted=yes] file:${REPO_IN_HOST} ./\n`);
    const log = openSync(join(hdir, 'sshd.log'), 'a');
    const child = spawn('unshare', ['--mount', '--uts', '--propagation', 'private', 'sh', '-c', MOUNT_AND_RUN, 'capstan-rootfs-host', rootfs, hdir, opts.repoDir, w.name], {
      detached: true, stdio: ['ignore', log, log],
    });
    child.unref();
    const pid = child.pid!;
    // The namespace is new once unshare has run: wait until the pid's mount namespace differs from ours.
    const ours = mntNs(process.pid);
    const ns = await until(`${w.name}'s mount namespace`, () => { const n = mntNs(pid); return n && n !== ours ? n : undefined; }, 5000);
    hosts.push({ ...w, dir: hdir, pid, mntNs: ns });
  }
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${known.join('\n')}\n`);

  const sshArgs = (h: RootfsHost) => [
    '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null', '-o', 'IdentitiesOnly=yes', '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR',
    '-i', privateKey, '-p', String(port), `root@${h.address}`,
  ];
  const ssh = async (h: RootfsHost, command: string, o: { timeout?: number } = {}): Promise<SshResult> => {
    const r = await execa('ssh', [...sshArgs(h), command], { reject: false, timeout: o.timeout ?? 60_000 });
    return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  for (const h of hosts) {
    await until(`sshd on ${h.name} (${h.address}:${port}); log: ${join(h.dir, 'sshd.log')}`, async () => {
      if (!alive(h.pid)) throw new Error(`sshd of ${h.name} ended: ${readFileSync(join(h.dir, 'sshd.log'), 'utf8')}`);
      return (await ssh(h, 'true', { timeout: 10_000 })).exitCode === 0;
    }, 20_000);
  }
  return {
    hosts, port, user: 'root', privateKey, knownHosts, dir, ssh, sshArgs,
    processes: (h) => pidsIn(h.mntNs).filter((p) => p !== h.pid && alive(p)),
  };
}
