/**
 * Reads a Bolt inventory v2 file (version 2: groups with targets, nested groups, vars, facts, config; targets
 * as URI strings or {name, uri, alias, vars, facts, config}) into nodes, groups and per-target connection
 * settings. Config is merged top-level < group (outer to inner, first group wins) < target, as Bolt does.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Errors } from '../../../src/core/errors.js';

export type Transport = 'ssh' | 'local';

/** Connection settings of one target after the config merge. */
export interface TargetConnection {
  name: string;
  transport: Transport;
  host: string;
  port?: number;
  user?: string;
  privateKey?: string;
  hostKeyCheck?: 'yes' | 'accept-new' | 'no';
  runAs?: string;
}

export interface InventoryTarget {
  name: string;
  uri: string;
  alias: string[];
  groups: string[];
  vars: Record<string, unknown>;
  facts: Record<string, unknown>;
  connection: TargetConnection;
}

export interface InventoryGroup {
  name: string;
  targets: string[];
  groups: string[];
}

export interface Inventory {
  targets: Map<string, InventoryTarget>;
  groups: InventoryGroup[];
}

type Obj = Record<string, any>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge where `base` wins: fills only what base lacks (first group wins). */
function fill(base: Obj, extra: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (k === '__proto__' || k === 'constructor') continue;
    if (!(k in out)) out[k] = v;
    else if (isObj(out[k]) && isObj(v)) out[k] = fill(out[k], v);
  }
  return out;
}

export const LOCALHOST_ONLY: Obj = { version: 2, targets: [{ name: 'localhost', config: { transport: 'local' } }] };

export function loadInventoryFile(file: string): Inventory {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Errors.Config(`ssh inventory ${file} cannot be read: ${(err as Error).message}`, { cause: err });
  }
  return parseInventory(doc, file);
}

export function parseInventory(doc: unknown, label = 'inventory'): Inventory {
  if (!isObj(doc)) throw new Errors.Config(`${label}: the document must be a mapping.`);
  if (doc.version !== undefined && doc.version !== 2) throw new Errors.Config(`${label}: only inventory version 2 is supported (got ${doc.version}).`);
  const targets = new Map<string, InventoryTarget>();
  const groups: InventoryGroup[] = [];
  const top = { config: doc.config ?? {}, vars: doc.vars ?? {}, facts: doc.facts ?? {} };

  // Each target collects layers from its groups (outer to inner); merged at the end so the first group wins.
  const layers = new Map<string, { raw: Obj; groups: string[]; stack: Obj[] }>();
  const addTarget = (entry: unknown, group: string | undefined, stack: Obj[], where: string) => {
    const raw: Obj = typeof entry === 'string' ? { uri: entry } : isObj(entry) ? entry : {};
    const name = String(raw.name ?? raw.uri ?? '');
    if (!name) throw new Errors.Config(`${label}: ${where} has a target without name or uri.`);
    const cur = layers.get(name) ?? { raw: {}, groups: [], stack: [] };
    cur.raw = fill(cur.raw, raw);
    if (group && !cur.groups.includes(group)) cur.groups.push(group);
    cur.stack.push(...stack);
    layers.set(name, cur);
    return name;
  };
  const walkGroup = (g: unknown, parents: Obj[], path: string) => {
    if (!isObj(g) || typeof g.name !== 'string' || !/^[a-z0-9_]+$/i.test(g.name)) {
      throw new Errors.Config(`${label}: ${path} needs a name of letters, digits and underscores.`);
    }
    if (g.name === 'all') throw new Errors.Config(`${label}: ${path}: 'all' is reserved.`);
    // Inner layers first in the stack so that they win over outer ones.
    const stack = [{ config: g.config ?? {}, vars: g.vars ?? {}, facts: g.facts ?? {} }, ...parents];
    const members = (g.targets ?? []).map((t: unknown, i: number) => addTarget(t, g.name, stack, `${path}.targets[${i}]`));
    const children = (g.groups ?? []).map((c: Obj, i: number) => { walkGroup(c, stack, `${path}.groups[${i}]`); return c.name as string; });
    groups.push({ name: g.name, targets: members, groups: children });
  };
  (doc.groups ?? []).forEach((g: unknown, i: number) => walkGroup(g, [], `groups[${i}]`));
  (doc.targets ?? []).forEach((t: unknown, i: number) => addTarget(t, undefined, [], `targets[${i}]`));

  for (const [name, { raw, groups: gs, stack }] of layers) {
    let merged: Obj = { config: raw.config ?? {}, vars: raw.vars ?? {}, facts: raw.facts ?? {} };
    for (const layer of stack) merged = fill(merged, layer);
    merged = fill(merged, top);
    const uri = String(raw.uri ?? name);
    targets.set(name, {
      name, uri, alias: Array.isArray(raw.alias) ? raw.alias.map(String) : raw.alias ? [String(raw.alias)] : [],
      groups: [...new Set(gs)], vars: merged.vars, facts: merged.facts, connection: connectionOf(name, uri, merged.config),
    });
  }
  return { targets, groups };
}

/** Parses `ssh://user@host:port`, `local://name`, `host:port`, `host` and applies config.ssh. */
export function connectionOf(name: string, uri: string, config: Obj): TargetConnection {
  const m = /^(?:(ssh|local):\/\/)?(?:([^@/]+)@)?(\[[^\]]+\]|[^:/]+)(?::(\d+))?$/.exec(uri);
  const scheme = m?.[1] as Transport | undefined;
  const transport: Transport = (scheme ?? config.transport) === 'local' ? 'local' : 'ssh';
  const ssh: Obj = isObj(config.ssh) ? config.ssh : {};
  const hkc = ssh['host-key-check'];
  return {
    name, transport,
    host: String(ssh.host ?? m?.[3]?.replace(/^\[|\]$/g, '') ?? name),
    port: ssh.port !== undefined ? Number(ssh.port) : m?.[4] ? Number(m[4]) : undefined,
    user: ssh.user ?? m?.[2],
    privateKey: typeof ssh['private-key'] === 'string' ? ssh['private-key'] : ssh['private-key']?.['key-path'],
    hostKeyCheck: hkc === undefined ? undefined : hkc === false || hkc === 'no' ? 'no' : hkc === 'accept-new' ? 'accept-new' : 'yes',
    runAs: ssh['run-as'] ?? config['run-as'],
  };
}
