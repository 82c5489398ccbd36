import t from 'tap'
import { execa } from 'execa'
import { readFile, readdir, readlink } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import {
  sshClientArgs,
  startSshHosts,
  sshTestbedUnavailableReason,
  type SshTestbed,
} from './ssh-hosts.js'

const unavailable = sshTestbedUnavailableReason()

/** A pid counts as gone when /proc has no entry for it or it is a zombie. */
async function alive(pid: number): Promise<boolean> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8')
    return !/^State:\s+Z/m.test(status)
  } catch {
    return false
  }
}

/** Live pids whose UTS namespace is one of `namespaces`. */
async function pidsInNamespaces(namespaces: Set<string>): Promise<number[]> {
  const found: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const ns = await readlink(`/proc/${entry}/ns/uts`).catch(() => '')
    if (ns && namespaces.has(ns) && (await alive(Number(entry)))) found.push(Number(entry))
  }
  return found
}

function tcpConnect(host: string, port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port })
    socket.setTimeout(3000, () => {
      socket.destroy()
      resolve('timeout')
    })
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}

t.test('real ssh hosts on loopback', { skip: unavailable ?? false }, async (t) => {
  let tb: SshTestbed | undefined
  const pids: number[] = []
  const namespaces = new Set<string>()

  await t.test('testbed up', async (t) => {
    const started = Date.now()
    tb = await startSshHosts(t)
    t.comment(`testbed up in ${Date.now() - started} ms in ${tb.dir}`)
    const bed = tb

    t.same(
      { user: bed.user, port: bed.port, hosts: bed.hosts, impostor: bed.impostor, unreachable: bed.unreachable },
      {
        user: 'capstan-tb',
        port: 2222,
        hosts: [
          { name: 'tb-node1', address: '127.0.0.11' },
          { name: 'tb-node2', address: '127.0.0.12' },
          { name: 'tb-node3', address: '127.0.0.13' },
        ],
        impostor: { name: 'tb-impostor', address: '127.0.0.14' },
        unreachable: { name: 'tb-down', address: '127.0.0.19' },
      },
      'hosts.json describes the testbed',
    )
    for (const file of [bed.privateKey, bed.knownHosts, bed.sshConfig]) {
      t.ok(path.isAbsolute(file) && file.startsWith(bed.dir), `${path.basename(file)} lives in the testbed dir`)
    }

    for (const sub of ['node1', 'node2', 'node3', 'impostor']) {
      pids.push(Number((await readFile(path.join(bed.dir, sub, 'sshd.pid'), 'utf8')).trim()))
      namespaces.add((await readFile(path.join(bed.dir, sub, 'uts.ns'), 'utf8')).trim())
    }
    t.equal(namespaces.size, 4, 'each sshd has its own UTS namespace')
    t.notOk(namespaces.has(await readlink('/proc/self/ns/uts')), 'none of them is ours')

    await t.test('each node answers hostname with its own name', async (t) => {
      const results = await Promise.all(
        bed.hosts.map((h) =>
          execa('ssh', [
            '-o', 'BatchMode=yes',
            '-o', 'StrictHostKeyChecking=yes',
            '-o', `UserKnownHostsFile=${bed.knownHosts}`,
            '-o', 'LogLevel=ERROR',
            '-i', bed.privateKey,
            '-p', '2222',
            `capstan-tb@${h.address}`,
            'hostname',
          ], { reject: false }),
        ),
      )
      results.forEach((r, i) => {
        const host = bed.hosts[i]!
        t.equal(r.exitCode, 0, `${host.address} exit 0 (stderr: ${r.stderr})`)
        t.equal(r.stdout.trim(), host.name, `${host.address} says ${host.name}`)
      })
    })

    await t.test('ssh_config aliases work', async (t) => {
      const r = await execa('ssh', ['-F', bed.sshConfig, 'tb-node2', 'hostname; id -un'], { reject: false })
      t.equal(r.exitCode, 0, r.stderr)
      t.equal(r.stdout.trim(), 'tb-node2\ncapstan-tb')
    })

    await t.test('impostor fails host key verification', async (t) => {
      const r = await execa('ssh', [...sshClientArgs(bed, bed.impostor.address), 'hostname'], { reject: false })
      t.equal(r.exitCode, 255)
      t.equal(r.stdout, '', 'no command ran')
      t.match(r.stderr, /REMOTE HOST IDENTIFICATION HAS CHANGED/)
      t.match(r.stderr, /Host key verification failed\./)
    })

    await t.test('unreachable address refuses the connection', async (t) => {
      const r = await execa('ssh', [...sshClientArgs(bed, bed.unreachable.address), 'hostname'], { reject: false })
      t.equal(r.exitCode, 255)
      t.match(r.stderr, /connect to host 127\.0\.0\.19 port 2222: Connection refused/)
    })

    await t.test('many parallel connections are accepted', async (t) => {
      const n = 40
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const host = bed.hosts[i % bed.hosts.length]!
          return execa('ssh', [...sshClientArgs(bed, host.address), 'hostname'], { reject: false })
        }),
      )
      const bad = results.filter((r, i) => r.exitCode !== 0 || r.stdout.trim() !== bed.hosts[i % bed.hosts.length]!.name)
      t.equal(bad.length, 0, `${n} parallel sessions: ${bad.map((r) => r.stderr).join(' | ')}`)
    })
  })

  await t.test('after teardown nothing is left', async (t) => {
    t.ok(tb, 'testbed had started')
    t.equal(pids.length, 4)
    for (const pid of pids) t.notOk(await alive(pid), `sshd pid ${pid} is gone`)
    t.same(await pidsInNamespaces(namespaces), [], 'no process left in the testbed namespaces')
    for (const address of ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14']) {
      t.equal(await tcpConnect(address, 2222), 'ECONNREFUSED', `${address}:2222 no longer listens`)
    }
  })
})
