/**
 * Reads a Bolt inventory v2 file (version 2: groups with targets, nested groups, vars, facts, config; targets
 * as URI strings or {name, uri, alias, vars, facts, config}) into nodes, groups and per-target connection
 * settings, with Bolt's rules:
 * - group data: a child group overrides its parent, and among sibling groups the earlier one wins;
 * - target data (all definitions of a target, first one first) overrides group data;
 * - `config` and `facts` merge deeply, `vars` key by key (a hash value is replaced, not merged);
 * - user, port and transport written in a URI cannot be overridden by config;
 * - a bare string names a target defined elsewhere (by name or alias), else it is a new target's URI;
 * - a target is a member of its group and of every ancestor group; `localhost` defaults to the local transport.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Errors } from '../../../src/core/errors.js';

export type Transport = 'ssh' | 'local';
export const TRANSPORTS: readonly Transport[] = ['ssh', 'local'];

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
  /** Direct members. */
  targets: string[];
  /** Direct child groups. */
  groups: string[];
}

export interface Inventory {
  targets: Map<string, InventoryTarget>;
  groups: InventoryGroup[];
}

type Obj = Record<string, any>;
interface Layer { config: Obj; vars: Obj; facts: Obj }
type Entry = { def: string } | { str: string };
/** `memberSet` mirrors `members` (kept in document order) so membership tests stay O(1) at fleet scale. */
interface GroupNode { name: string; own: Layer; entries: Entry[]; members: string[]; memberSet: Set<string>; children: GroupNode[] }

/** Bolt's group and alias names. */
const GROUP_NAME = /^[a-z0-9_][a-z0-9_-]*$/;
/** Target names and hosts: nothing an argv could take for an option, no whitespace or control characters. */
const SAFE_NAME = /^[^-\s][^\s\x00-\x1f\x7f]*$/;
const URI = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(?:([^@/\s]+)@)?(\[[^\]\s]+\]|[^:/@\s]+)(?::(\d+))?\/?$/i;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep merge where `base` wins: fills only what base lacks. */
function fill(base: Obj, extra: Obj): Obj {
  const out: Obj = { ...base };
  for (const [k, v] of Object.entries(extra ?? {})) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    if (!(k in out)) out[k] = v;
    else if (isObj(out[k]) && isObj(v)) out[k] = fill(out[k], v);
  }
  return out;
}

/** `win` over `lose`: config and facts deeply, vars key by key. */
function mergeLayer(win: Layer, lose: Layer): Layer {
  return { config: fill(win.config, lose.config), vars: { ...lose.vars, ...win.vars }, facts: fill(win.facts, lose.facts) };
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
  const fail = (msg: string): never => { throw new Errors.Config(`${label}: ${msg}`); };
  if (!isObj(doc)) fail('the document must be a mapping.');
  const d = doc as Obj;
  if (d.version !== undefined && d.version !== 2) fail(`only inventory version 2 is supported (got ${JSON.stringify(d.version)}).`);
  const layerOf = (o: Obj, where: string): Layer => {
    for (const k of ['config', 'vars', 'facts']) if (o[k] !== undefined && o[k] !== null && !isObj(o[k])) fail(`${where}.${k} must be a mapping.`);
    return { config: o.config ?? {}, vars: o.vars ?? {}, facts: o.facts ?? {} };
  };
  const list = (v: unknown, where: string): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : fail(`${where} must be a list.`));

  // Pass 1: the group tree, and every target definition (hash entries) in document order.
  const defs = new Map<string, Obj[]>();
  const groupNames = new Set<string>();
  const entriesOf = (targets: unknown, where: string): Entry[] => list(targets, where).map((e, i) => {
    if (typeof e === 'string') return { str: e };
    if (!isObj(e)) return fail(`${where}[${i}] must be a string or a mapping.`);
    const name = e.name ?? e.uri;
    if (typeof name !== 'string' || !name) return fail(`${where}[${i}] has a target without name or uri.`);
    if (!SAFE_NAME.test(name)) fail(`${where}[${i}]: target name ${JSON.stringify(name)} is not allowed (no leading '-', no whitespace).`);
    layerOf(e, `${where}[${i}]`);
    defs.set(name, [...(defs.get(name) ?? []), e]);
    return { def: name };
  });
  const walk = (g: unknown, where: string): GroupNode => {
    if (!isObj(g)) return fail(`${where} must be a mapping.`);
    if (typeof g.name !== 'string' || !GROUP_NAME.test(g.name)) {
      fail(`${where}: group name ${JSON.stringify(g.name)} must be lowercase letters, digits, '_' and '-' (not first).`);
    }
    if (g.name === 'all') fail(`${where}: the group name 'all' is reserved.`);
    if (groupNames.has(g.name)) fail(`${where}: group '${g.name}' is defined twice.`);
    groupNames.add(g.name);
    return {
      name: g.name, own: layerOf(g, where), entries: entriesOf(g.targets, `${where}.targets`), members: [], memberSet: new Set(),
      children: list(g.groups, `${where}.groups`).map((c, i) => walk(c, `${where}.groups[${i}]`)),
    };
  };
  const root: GroupNode = {
    name: 'all', own: layerOf(d, 'top level'), entries: entriesOf(d.targets, 'targets'), members: [], memberSet: new Set(),
    children: list(d.groups, 'groups').map((g, i) => walk(g, `groups[${i}]`)),
  };

  // Aliases of defined targets (unique, Bolt's names, not a target or group name).
  const aliases = new Map<string, string>();
  const aliasesOf = new Map<string, string[]>();
  for (const [name, ds] of defs) {
    for (const def of ds) {
      if (def.alias === undefined) continue;
      const as = typeof def.alias === 'string' ? [def.alias] : Array.isArray(def.alias) ? def.alias : fail(`alias of ${name} must be a string or a list.`);
      for (const a of as) {
        if (typeof a !== 'string' || !GROUP_NAME.test(a)) fail(`alias ${JSON.stringify(a)} of ${name} is not a valid name.`);
        if (aliases.has(a) && aliases.get(a) !== name) fail(`alias ${a} refers to both ${aliases.get(a)} and ${name}.`);
        if (defs.has(a) || groupNames.has(a)) fail(`alias ${a} of ${name} conflicts with a target or group of that name.`);
        aliases.set(a, name);
        if (!(aliasesOf.get(name) ?? []).includes(a)) aliasesOf.set(name, [...(aliasesOf.get(name) ?? []), a]);
      }
    }
  }

  // Pass 2: resolve entries to names in document order; a string naming nothing known is a new target's URI.
  const order: string[] = [];
  const ordered = new Set<string>();
  const resolve = (g: GroupNode) => {
    for (const e of g.entries) {
      let name: string;
      if ('def' in e) name = e.def;
      else if (defs.has(e.str)) name = e.str;
      else if (aliases.has(e.str)) name = aliases.get(e.str)!;
      else {
        if (!SAFE_NAME.test(e.str)) fail(`target ${JSON.stringify(e.str)} is not allowed (no leading '-', no whitespace).`);
        name = e.str;
        defs.set(name, [{ uri: e.str }]);
      }
      if (!g.memberSet.has(name)) { g.memberSet.add(name); g.members.push(name); }
      if (!ordered.has(name)) { ordered.add(name); order.push(name); }
    }
    g.children.forEach(resolve);
  };
  resolve(root);
  for (const name of order) if (groupNames.has(name)) fail(`group '${name}' conflicts with a target of the same name.`);

  // Group data for a target: children override the parent, the earlier sibling wins.
  const collect = (g: GroupNode, name: string): Layer | undefined => {
    let child: Layer | undefined;
    for (const c of g.children) {
      const data = collect(c, name);
      if (data) child = child ? mergeLayer(child, data) : data;
    }
    if (!child && !g.memberSet.has(name)) return undefined;
    return child ? mergeLayer(child, g.own) : g.own;
  };
  const contains = (g: GroupNode, name: string): boolean => g.memberSet.has(name) || g.children.some((c) => contains(c, name));
  const allGroups: GroupNode[] = [];
  const flatten = (g: GroupNode) => { allGroups.push(g); g.children.forEach(flatten); };
  root.children.forEach(flatten);

  const targets = new Map<string, InventoryTarget>();
  for (const name of order) {
    const ds = defs.get(name)!;
    let own: Layer = { config: {}, vars: {}, facts: {} };
    for (const def of ds) own = mergeLayer(own, layerOf(def, name));
    const merged = mergeLayer(own, collect(root, name) ?? root.own);
    if (name === 'localhost') merged.config = fill(merged.config, { transport: 'local' });
    const uri = ds.map((x) => x.uri).find((u) => typeof u === 'string') as string | undefined;
    let connection: TargetConnection;
    try {
      connection = connectionOf(name, uri, merged.config);
    } catch (err) {
      return fail(`target ${name}: ${(err as Error).message}`);
    }
    targets.set(name, {
      name, uri: uri ?? name, alias: aliasesOf.get(name) ?? [], groups: allGroups.filter((g) => contains(g, name)).map((g) => g.name),
      vars: merged.vars, facts: merged.facts, connection,
    });
  }
  return { targets, groups: allGroups.map((g) => ({ name: g.name, targets: g.members, groups: g.children.map((c) => c.name) })) };
}

/**
 * Connection of a target from its URI (`ssh://user@host:port`, `local://name`, `host:port`, `host`, `[v6]:port`)
 * and its merged config (`transport`, `ssh.{host,port,user,private-key,host-key-check,run-as}`, `local.run-as`).
 * Throws on what the plugin cannot honour (another transport, key-data, a bad port or host).
 */
export function connectionOf(name: string, uri: string | undefined, config: Obj): TargetConnection {
  const m = uri === undefined ? undefined : URI.exec(uri);
  if (uri !== undefined && !m) throw new Error(`cannot parse uri ${JSON.stringify(uri)}`);
  const scheme = m?.[1]?.toLowerCase();
  const transport = scheme ?? config.transport ?? 'ssh';
  if (!TRANSPORTS.includes(transport)) throw new Error(`transport '${transport}' is not supported by the ssh plugin (ssh, local)`);
  const t: Obj = isObj(config[transport]) ? config[transport] : {};
  const host = String(m?.[3]?.replace(/^\[|\]$/g, '') ?? t.host ?? name);
  if (!SAFE_NAME.test(host)) throw new Error(`host ${JSON.stringify(host)} is not allowed`);
  const rawPort = m?.[4] ?? t.port;
  const port = rawPort === undefined ? undefined : Number(rawPort);
  if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) throw new Error(`port ${JSON.stringify(rawPort)} is not a TCP port`);
  const key = t['private-key'];
  if (isObj(key) && key['key-data'] !== undefined) throw new Error('private-key.key-data is not supported; use a key file (private-key or private-key.key-path)');
  const hkc = t['host-key-check'];
  if (m?.[2]?.includes(':')) throw new Error('passwords in the uri are not supported (BatchMode: keys or an agent only)');
  const user = m?.[2] !== undefined ? decodeURIComponent(m[2]) : t.user;
  return {
    name, transport, host, port,
    user: user === undefined ? undefined : String(user),
    privateKey: typeof key === 'string' ? key : isObj(key) && typeof key['key-path'] === 'string' ? key['key-path'] : undefined,
    hostKeyCheck: hkc === undefined ? undefined : hkc === false || hkc === 'no' ? 'no' : hkc === 'accept-new' ? 'accept-new' : 'yes',
    runAs: t['run-as'] === undefined ? undefined : String(t['run-as']),
  };
}
