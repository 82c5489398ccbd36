/** Normalises the facter-shaped output of Bolt's `facts` task into the Facts contract (raw kept). */

type Obj = Record<string, any>;

const str = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);
const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

function ipAddresses(net: Obj): string[] {
  const out = new Set<string>();
  for (const k of ['ip', 'ip6']) if (str(net[k])) out.add(net[k]);
  for (const iface of Object.values((net.interfaces ?? {}) as Obj)) {
    for (const b of [...((iface as Obj).bindings ?? []), ...((iface as Obj).bindings6 ?? [])]) if (str(b?.address)) out.add(b.address);
    for (const k of ['ip', 'ip6']) if (str((iface as Obj)[k])) out.add((iface as Obj)[k]);
  }
  return [...out];
}

export function normalizeFacts(node: string, raw: Obj, source: string) {
  const os: Obj = raw.os ?? {};
  const net: Obj = raw.networking ?? {};
  const procs: Obj = raw.processors ?? {};
  const mem: Obj = raw.memory?.system ?? {};
  return {
    node,
    os: { family: str(os.family), name: str(os.name), release: str(os.release?.full ?? os.release) },
    kernel: str(raw.kernel),
    kernelRelease: str(raw.kernelrelease),
    hostname: str(net.hostname ?? raw.hostname),
    processors: { count: int(procs.count), model: str(Array.isArray(procs.models) ? procs.models[0] : undefined) },
    memory: { totalBytes: int(mem.total_bytes) },
    networking: { fqdn: str(net.fqdn ?? raw.fqdn), ipAddresses: ipAddresses(net), ...(net.interfaces ? { interfaces: net.interfaces } : {}) },
    raw,
    gatheredAt: new Date().toISOString(),
    source,
  };
}
