/**
 * Pure config loader: embedded defaults < YAML file (CAPSTAN_CONFIG) < environment < explicit overrides.
 * Every problem is reported at once with its path; the result is deep-frozen.
 */
import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { parse as parseYaml } from 'yaml';
import { Errors } from '../core/errors.js';
import { isLoopbackName } from '../core/host-check.js';
import { BUILT_IN_ROLE_NAMES, RoleBook } from '../core/roles.js';
import { ConfigSchema, type Config } from './schema.js';

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  /** Highest precedence; what tests pass. */
  overrides?: ConfigOverrides;
  /** Plugin ids, so CAPSTAN_PLUGINS_<ID>_<KEY> can be split when an id has a dash. */
  pluginIds?: string[];
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** Partial config; plugin sections take any keys (each plugin validates its own). */
export type ConfigOverrides = Omit<DeepPartial<Config>, 'plugins'> & { plugins?: Record<string, Record<string, unknown>> };

type Tree = Record<string, unknown>;

export function loadConfig(opts: LoadConfigOptions = {}): Readonly<Config> {
  const env = opts.env ?? process.env;
  let merged: Tree = {};
  if (env.CAPSTAN_CONFIG) merged = deepMerge(merged, readYaml(env.CAPSTAN_CONFIG));
  merged = deepMerge(merged, fromEnv(env, opts.pluginIds ?? []));
  if (opts.overrides) merged = deepMerge(merged, structuredClone(opts.overrides) as Tree);
  const config = validateConfig(ConfigSchema, merged, 'config') as Config;
  checkAuthListener(config);
  checkRoles(config);
  return config;
}

/** Custom roles take no built-in name, and every role a configured token names exists. */
export function checkRoles(config: Readonly<Config>): void {
  const errors = [
    ...Object.keys(config.roles).filter((r) => BUILT_IN_ROLE_NAMES.includes(r))
      .map((r) => ({ pointer: `/roles/${r}`, message: `'${r}' is a built-in role; give the custom role another name` })),
    // Deny by default: a token that names neither roles nor permissions grants nothing, and is a mistake.
    ...config.tokens.flatMap((t, i) => (t.roles?.length || t.permissions?.length ? [] : [{ pointer: `/tokens/${i}`, message: 'give the token roles or permissions' }])),
    ...config.tokens.flatMap((t, i) => new RoleBook(config.roles).unknown(t.roles ?? [])
      .map((r) => ({ pointer: `/tokens/${i}/roles`, message: `no role named '${r}' (built in: ${BUILT_IN_ROLE_NAMES.join(', ')}; custom: ${Object.keys(config.roles).join(', ') || 'none'})` }))),
  ];
  if (errors.length) throw new Errors.Config(`config is invalid: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`, { extra: { errors } });
}

/** `auth: off` only on a loopback listener: anywhere else anyone who reaches the port would be admin. */
export function checkAuthListener(config: Readonly<Config>): void {
  if (config.auth === 'off' && !isLoopbackName(config.host)) {
    throw new Errors.Config(`auth is off (CAPSTAN_AUTH=off) but host is ${config.host}, not a loopback address: refusing to start. `
      + 'Listen on 127.0.0.1 (or ::1), or turn auth on and use a token.', { extra: { errors: [{ pointer: '/auth', message: 'off requires a loopback host' }] } });
  }
}

/** Converts strings from env (a string for a list key is a comma-separated list), fills defaults, reports every error with its path, freezes. */
export function validateConfig(schema: TSchema, input: unknown, label: string): unknown {
  const value = Value.Default(schema, Value.Convert(schema, listsFromStrings(schema, structuredClone(input ?? {}))));
  const errors = [...Value.Errors(schema, value)].map((e) => ({ pointer: e.path || '/', message: e.message }));
  if (errors.length) {
    throw new Errors.Config(`${label} is invalid: ${errors.map((e) => `${e.pointer}: ${e.message}`).join('; ')}`, { extra: { errors } });
  }
  return deepFreeze(value);
}

function readYaml(file: string): Tree {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Errors.Config(`cannot read config file ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    const doc = parseYaml(text) ?? {};
    if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('the document is not a mapping');
    return doc as Tree;
  } catch (err) {
    throw new Errors.Config(`config file ${file} is not valid YAML: ${(err as Error).message}`, { cause: err });
  }
}

const camel = (parts: string[]) => parts.map((p, i) => (i === 0 ? p.toLowerCase() : p[0] + p.slice(1).toLowerCase())).join('');

/** Maps CAPSTAN_* variables onto config paths by walking the schema's property names. */
export function fromEnv(env: NodeJS.ProcessEnv, pluginIds: string[]): Tree {
  const out: Tree = {};
  if (env.PORT && !env.CAPSTAN_PORT) out.port = env.PORT;
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('CAPSTAN_') || raw === undefined || name === 'CAPSTAN_CONFIG') continue;
    const tokens = name.slice('CAPSTAN_'.length).split('_').filter(Boolean);
    const path = pathFor(tokens, pluginIds);
    if (path) setPath(out, path, isListKey(path) ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw);
  }
  if (typeof out.trustProxy === 'string') out.trustProxy = trustProxyFromEnv(out.trustProxy);
  return out;
}

/** CAPSTAN_TRUST_PROXY: `true` / `false`, a hop count, or a comma-separated list (the schema's union cannot tell `1` from `true`). */
function trustProxyFromEnv(raw: string): unknown {
  const v = raw.trim();
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (/^[0-9]+$/.test(v)) return Number(v);
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

function pathFor(tokens: string[], pluginIds: string[]): string[] | null {
  if (tokens[0] === 'PLUGINS' && tokens.length >= 3) {
    const rest = tokens.slice(1);
    // Longest known id first, so `my-tool` beats `my`; unknown ids take one token.
    const id = [...pluginIds].sort((a, b) => b.length - a.length)
      .find((p) => rest.join('_').startsWith(p.toUpperCase().replace(/-/g, '_') + '_')) ?? rest[0].toLowerCase();
    const used = id.split('-').length;
    return ['plugins', id, camel(rest.slice(used))];
  }
  const props = (ConfigSchema as unknown as { properties: Record<string, TSchema & { properties?: Record<string, unknown> }> }).properties;
  for (let i = tokens.length; i >= 1; i--) {
    const key = camel(tokens.slice(0, i));
    const sub = props[key];
    if (!sub) continue;
    if (i === tokens.length) return [key];
    if (sub.properties) {
      const inner = camel(tokens.slice(i));
      if (inner in sub.properties) return [key, inner];
    }
  }
  return null;
}

/**
 * Strings given for list keys of `schema` (at any depth of its objects) split on commas: what env gives for
 * a list (CAPSTAN_PLUGINS_TERRAFORM_PASS_ENV=A,B), for a schema env parsing cannot see (a plugin's).
 */
export function listsFromStrings(schema: TSchema, input: unknown): unknown {
  type Node = { type?: unknown; properties?: Record<string, Node> };
  const walk = (node: Node | undefined, v: unknown): unknown => {
    if (node?.type === 'array' && typeof v === 'string') return v.split(',').map((x) => x.trim()).filter(Boolean);
    if (node?.properties && isPlainObject(v)) {
      for (const [k, x] of Object.entries(v)) if (Object.hasOwn(node.properties, k)) v[k] = walk(node.properties[k], x);
    }
    return v;
  };
  return walk(schema as Node, input);
}

/** A top-level schema key (or one level below) that is a list: its variable is a comma-separated list. */
function isListKey(path: string[]): boolean {
  type Node = { type?: unknown; properties?: Record<string, Node> };
  let schema: Node | undefined = ConfigSchema as Node;
  for (const k of path) schema = schema?.properties?.[k];
  return schema?.type === 'array';
}

function setPath(obj: Tree, path: string[], value: unknown): void {
  let cur = obj;
  for (const k of path.slice(0, -1)) cur = (cur[k] ??= {}) as Tree;
  cur[path[path.length - 1]] = value;
}

function isPlainObject(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = isPlainObject(v) && isPlainObject(out[k]) ? deepMerge(out[k] as Tree, v) : v;
  }
  return out;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}
