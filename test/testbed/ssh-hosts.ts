/**
 * Real SSH test hosts for tap tests (see scripts/testbed/README.md).
 *
 *   import { startSshHosts, sshTestbedAvailable, sshTestbedUnavailableReason } from '../testbed/ssh-hosts.js'
 *
 *   t.test('ssh', { skip: sshTestbedUnavailableReason() ?? false }, async (t) => {
 *     const tb = await startSshHosts(t)   // torn down when t ends
 *     // tb.hosts[0] -> { name: 'tb-node1', address: '127.0.0.11' }, port tb.port, user tb.user
 *   })
 *
 * The addresses are fixed (127.0.0.11-14, 19 on port 2222), so only one
 * testbed per address set can run at a time on a machine; a test file that
 * must run beside another one passes a different `net` (e.g. '127.0.1').
 */
import { execa } from 'execa'
import { accessSync, constants } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface SshTestbedHost {
  name: string
  address: string
}

/** Contents of DIR/hosts.json written by scripts/testbed/ssh-hosts-up.sh, plus `dir`. */
export interface SshTestbed {
  /** Directory holding keys, configs, pid files and sshd logs of this testbed. */
  dir: string
  /** Login user on every host ('capstan-tb'). */
  user: string
  /** Absolute path of the client's ed25519 private key (0600, owned by root). */
  privateKey: string
  /** Absolute path of a known_hosts file with `[address]:port key` entries. */
  knownHosts: string
  /** Absolute path of an ssh_config with Host aliases tb-node1..3, tb-impostor, tb-down. */
  sshConfig: string
  /** Port every host listens on (2222). */
  port: number
  /** The good hosts: tb-node1..3 on <net>.11..13; `hostname` prints the name. */
  hosts: SshTestbedHost[]
  /** Listens on <net>.14 but its host key differs from the one in knownHosts. */
  impostor: SshTestbedHost
  /** <net>.19: nothing listens there (connection refused). */
  unreachable: SshTestbedHost
}

/** Anything with tap's `t.teardown` (a tap Test satisfies it). */
export interface TeardownRegistrar {
  teardown(fn: () => unknown): void
}

export interface StartSshHostsOptions {
  /** First three octets of the addresses, inside 127.0.0.0/8. Default '127.0.0'. */
  net?: string
  /** Keep the testbed directory (logs, keys) after teardown. Default: env CAPSTAN_TB_KEEP=1. */
  keep?: boolean
}

const scriptsDir = fileURLToPath(new URL('../../scripts/testbed/', import.meta.url))
const upScript = path.join(scriptsDir, 'ssh-hosts-up.sh')
const downScript = path.join(scriptsDir, 'ssh-hosts-down.sh')

function findExecutable(name: string, extraDirs: string[] = []): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), ...extraDirs].filter(Boolean)
  for (const dir of dirs) {
    const candidate = path.join(dir, name)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // keep looking
    }
  }
  return undefined
}

/** Why the testbed cannot run here, or undefined when it can. Handy for `{ skip: ... }`. */
export function sshTestbedUnavailableReason(): string | undefined {
  if (process.platform !== 'linux') return `ssh testbed needs Linux (this is ${process.platform})`
  if (process.getuid?.() !== 0) return 'ssh testbed needs root (sshd, useradd, unshare --uts)'
  const sbin = ['/usr/sbin', '/sbin']
  if (!findExecutable('sshd', sbin)) return 'ssh testbed needs sshd: apt-get install openssh-server'
  for (const cmd of ['ssh', 'ssh-keygen', 'unshare', 'hostname', 'flock']) {
    if (!findExecutable(cmd, sbin)) return `ssh testbed needs the ${cmd} command`
  }
  return undefined
}

/** True when sshd is installed and we are root, i.e. startSshHosts can work. */
export function sshTestbedAvailable(): boolean {
  return sshTestbedUnavailableReason() === undefined
}

/**
 * Runs scripts/testbed/ssh-hosts-up.sh into a fresh temp dir and returns the
 * parsed hosts.json. Registers `t.teardown` (before starting anything, so a
 * half-started testbed is still stopped) that runs ssh-hosts-down.sh and
 * removes the dir.
 */
export async function startSshHosts(
  t: TeardownRegistrar,
  options: StartSshHostsOptions = {},
): Promise<SshTestbed> {
  const reason = sshTestbedUnavailableReason()
  if (reason) throw new Error(reason)
  const keep = options.keep ?? process.env.CAPSTAN_TB_KEEP === '1'
  const dir = await mkdtemp(path.join(os.tmpdir(), 'capstan-ssh-tb-'))
  const env: Record<string, string> = {}
  if (options.net) env.SSH_TB_NET = options.net

  t.teardown(async () => {
    const down = await execa('bash', [downScript, dir], { reject: false, timeout: 30_000 })
    if (!keep) await rm(dir, { recursive: true, force: true })
    if (down.failed) {
      throw new Error(`ssh-hosts-down.sh failed (exit ${down.exitCode}): ${down.stderr || down.message}`)
    }
  })

  const up = await execa('bash', [upScript, dir], { env, reject: false, timeout: 120_000 })
  if (up.failed) {
    throw new Error(
      `ssh-hosts-up.sh failed (exit ${up.exitCode}${up.timedOut ? ', timed out' : ''}):\n${up.stderr}\n${up.stdout}`,
    )
  }
  const hosts = JSON.parse(await readFile(path.join(dir, 'hosts.json'), 'utf8')) as Omit<SshTestbed, 'dir'>
  return { ...hosts, dir }
}

/**
 * argv for the OpenSSH client against one testbed address with strict host
 * key checking: `execa('ssh', [...sshClientArgs(tb, host.address), 'hostname'])`.
 */
export function sshClientArgs(tb: SshTestbed, address: string): string[] {
  return [
    '-F', '/dev/null',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${tb.knownHosts}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'IdentitiesOnly=yes',
    '-o', 'ConnectTimeout=5',
    '-o', 'LogLevel=ERROR',
    '-i', tb.privateKey,
    '-p', String(tb.port),
    `${tb.user}@${address}`,
  ]
}
