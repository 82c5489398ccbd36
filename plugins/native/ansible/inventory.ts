/**
 * Inventory from `ansible-inventory --list`: `_meta.hostvars` (each host's variables, group and host vars
 * already merged by Ansible) and one entry per group with its direct `hosts` and `children`. A node's groups
 * are every group it belongs to directly or through children (`all` last, `ungrouped` left out); its uri is
 * `ansible_host[:ansible_port]` (the name when absent), its transport `ansible_connection` (ssh by default).
 */
import type { Static } from '@sinclair/typebox';
import { REDACTED, SECRET_KEY_NAMES, type Group, type Node } from '../../../src/capabilities/index.js';
import { Errors } from '../../../src/core/errors.js';

export type NodeT = Static<typeof Node>;
export type GroupT = Static<typeof Group>;

export interface AnsibleInventory {
  nodes: NodeT[];
  groups: GroupT[];
}

interface GroupEntry {
  hosts?: string[];
  children?: string[];
  vars?: Record<string, unknown>;
}

/**
 * Variables whose values are secrets, shown as `***` in the inventory: the names the contracts treat as secret
 * (SECRET_KEY_NAMES), Ansible's `*_pass` connection variables (ansible_ssh_pass, ansible_become_pass), and
 * vault-encrypted values whatever their name.
 */
const SECRET_KEY = new RegExp(`${SECRET_KEY_NAMES}|_pass$`, 'i');

function redact(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars)) {
    const vault = v && typeof v === 'object' && '__ansible_vault' in (v as object);
    out[k] = SECRET_KEY.test(k) || vault ? REDACTED : v;
  }
  return out;
}

export function parseInventoryList(doc: unknown, source: string): AnsibleInventory {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Errors.Upstream('ansible-inventory --list did not return a JSON object.');
  const d = doc as Record<string, GroupEntry> & { _meta?: { hostvars?: Record<string, Record<string, unknown>> } };
  const hostvars = d._meta?.hostvars ?? {};
  const groups = new Map<string, GroupEntry>();
  for (const [name, g] of Object.entries(d)) if (name !== '_meta' && g && typeof g === 'object') groups.set(name, g as GroupEntry);
  // Every host a group holds, through its children (cycles are refused by Ansible; guarded anyway).
  const members = new Map<string, Set<string>>();
  const expand = (name: string, seen: Set<string>): Set<string> => {
    const done = members.get(name);
    if (done) return done;
    const out = new Set<string>(groups.get(name)?.hosts ?? []);
    for (const c of groups.get(name)?.children ?? []) if (!seen.has(c)) for (const h of expand(c, new Set([...seen, c]))) out.add(h);
    members.set(name, out);
    return out;
  };
  for (const name of groups.keys()) expand(name, new Set([name]));
  const hosts = new Set<string>(Object.keys(hostvars));
  for (const m of members.values()) for (const h of m) hosts.add(h);
  const nodes: NodeT[] = [...hosts].sort().map((name) => {
    const vars = hostvars[name] ?? {};
    const host = typeof vars.ansible_host === 'string' && vars.ansible_host ? vars.ansible_host : name;
    const port = vars.ansible_port !== undefined && vars.ansible_port !== null && vars.ansible_port !== '' ? String(vars.ansible_port) : undefined;
    const inGroups = [...members].filter(([g, m]) => g !== 'all' && g !== 'ungrouped' && m.has(name)).map(([g]) => g).sort();
    return {
      id: name, name, uri: port ? `${host.includes(':') ? `[${host}]` : host}:${port}` : host,
      transport: typeof vars.ansible_connection === 'string' ? vars.ansible_connection : 'ssh',
      groups: [...inGroups, 'all'],
      sources: [{ source, id: name }],
      ...(Object.keys(vars).length ? { vars: redact(vars) } : {}),
    };
  });
  const groupList: GroupT[] = [...groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped').sort().map((name) => {
    const children = (groups.get(name)?.children ?? []).filter((c) => c !== 'ungrouped');
    return { name, targets: [...members.get(name)!].sort(), ...(children.length ? { groups: children } : {}), sources: [source] };
  });
  return { nodes, groups: groupList };
}
