/**
 * Facts gathered with one script per node (POSIX sh, no agent): it prints `key=value` lines which are
 * normalised into the Facts contract; every pair is kept under `raw`.
 */

/** The gathering script, run through `sh -s` on the target. */
export const FACTS_SCRIPT = [
  'if [ -r /etc/os-release ]; then . /etc/os-release; fi',
  'echo "os_id=${ID:-}"',
  'echo "os_id_like=${ID_LIKE:-}"',
  'echo "os_name=${NAME:-$(uname -s)}"',
  'echo "os_release=${VERSION_ID:-}"',
  'echo "os_pretty=${PRETTY_NAME:-}"',
  'echo "kernel=$(uname -s)"',
  'echo "kernelrelease=$(uname -r)"',
  'echo "architecture=$(uname -m)"',
  'echo "hostname=$(hostname 2>/dev/null || uname -n)"',
  'echo "fqdn=$(hostname -f 2>/dev/null || hostname)"',
  'echo "processor_count=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null)"',
  'echo "processor_model=$(sed -n "s/^model name[[:space:]]*: //p" /proc/cpuinfo 2>/dev/null | head -n1)"',
  'echo "memory_kb=$(sed -n "s/^MemTotal:[[:space:]]*\\([0-9]*\\) kB/\\1/p" /proc/meminfo 2>/dev/null)"',
  'echo "ip_addresses=$(hostname -I 2>/dev/null || true)"',
  'echo "uptime_seconds=$(cut -d. -f1 /proc/uptime 2>/dev/null)"',
].join('\n') + '\n';

const FAMILIES: [RegExp, string][] = [
  [/\b(debian|ubuntu|raspbian|linuxmint)\b/, 'Debian'],
  [/\b(rhel|fedora|centos|rocky|almalinux|ol|amzn)\b/, 'RedHat'],
  [/\b(suse|opensuse|sles)\b/, 'Suse'],
  [/\balpine\b/, 'Alpine'],
  [/\barch\b/, 'Archlinux'],
];

export function osFamily(id: string, idLike: string, kernel: string): string {
  const hay = `${id} ${idLike}`.toLowerCase();
  return FAMILIES.find(([re]) => re.test(hay))?.[1] ?? kernel;
}

export function parseFacts(node: string, lines: string[], source: string) {
  const raw: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf('=');
    if (i > 0) raw[l.slice(0, i)] = l.slice(i + 1).trim();
  }
  const int = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  const mem = int(raw.memory_kb);
  return {
    node,
    os: { family: osFamily(raw.os_id ?? '', raw.os_id_like ?? '', raw.kernel ?? ''), name: raw.os_name || undefined, release: raw.os_release || undefined },
    kernel: raw.kernel || undefined,
    kernelRelease: raw.kernelrelease || undefined,
    hostname: raw.hostname || undefined,
    processors: { count: int(raw.processor_count), model: raw.processor_model || undefined },
    memory: { totalBytes: mem === undefined ? undefined : mem * 1024 },
    networking: { fqdn: raw.fqdn || undefined, ipAddresses: (raw.ip_addresses ?? '').split(/\s+/).filter(Boolean) },
    raw,
    gatheredAt: new Date().toISOString(),
    source,
  };
}
