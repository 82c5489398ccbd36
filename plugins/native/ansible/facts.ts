/** Normalises the `ansible_facts` of the setup module into the Facts contract (raw kept). */

type Obj = Record<string, any>;

const str = (v: unknown) => (typeof v === 'string' && v ? v : typeof v === 'number' ? String(v) : undefined);
const int = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.trunc(v) : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);

/** `ansible_processor` is a flat list of [index, vendor, model, index, vendor, model, ...]: the first model. */
function processorModel(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  for (let i = 0; i < list.length; i++) {
    const v = list[i];
    if (typeof v === 'string' && !/^\d+$/.test(v) && !/^(GenuineIntel|AuthenticAMD)$/.test(v)) return v;
  }
  return undefined;
}

function interfaces(f: Obj): Obj | undefined {
  if (!Array.isArray(f.interfaces)) return undefined;
  const out: Obj = {};
  for (const name of f.interfaces as string[]) {
    const i = f[`${name.replace(/[-:.]/g, '_')}`] ?? f[name];
    if (i && typeof i === 'object') out[name] = i;
  }
  return out;
}

export function normalizeFacts(node: string, raw: Obj, source: string) {
  // The setup module answers with keys prefixed `ansible_`; accept unprefixed ones too (INJECT_FACTS_AS_VARS off).
  const f: Obj = {};
  for (const [k, v] of Object.entries(raw)) f[k.startsWith('ansible_') ? k.slice(8) : k] = v;
  const ips = [...(Array.isArray(f.all_ipv4_addresses) ? f.all_ipv4_addresses : []), ...(Array.isArray(f.all_ipv6_addresses) ? f.all_ipv6_addresses : [])]
    .filter((a): a is string => typeof a === 'string');
  const ifaces = interfaces(f);
  const memMb = int(f.memtotal_mb);
  return {
    node,
    os: { family: str(f.os_family), name: str(f.distribution), release: str(f.distribution_version) },
    kernel: str(f.system),
    kernelRelease: str(f.kernel),
    hostname: str(f.hostname),
    processors: { count: int(f.processor_vcpus ?? f.processor_count), model: processorModel(f.processor) },
    memory: { totalBytes: memMb === undefined ? undefined : memMb * 1024 * 1024 },
    networking: { fqdn: str(f.fqdn), ipAddresses: ips, ...(ifaces ? { interfaces: ifaces } : {}) },
    raw,
    gatheredAt: new Date().toISOString(),
    source,
  };
}
