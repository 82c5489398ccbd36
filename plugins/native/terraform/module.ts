/**
 * A module's declared input variables, read from its configuration files without running anything:
 * `*.tf.json` (`{"variable": {"x": {...}}}`, also the list form `[{"x": {...}}]`) and simple HCL `*.tf`
 * blocks (`variable "x" { type = string  default = ... }`; only `type`, whether `default` is present,
 * `sensitive` and `nullable` are read). Request variables are checked against them before a run is queued:
 * unknown names, missing required ones and values of the wrong basic type.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import type { ParamIssue } from '../../../src/core/types.js';

export interface VariableDecl {
  name: string;
  /** The type constraint as written (`string`, `number`, `list(string)`, ...); undefined: any. */
  type?: string;
  required: boolean;
  sensitive: boolean;
  nullable: boolean;
  description?: string;
}

/** Where a template names a module: a relative directory under moduleDir, never outside it. */
export function templateIssue(moduleDir: string | undefined, template: string): string | undefined {
  if (!moduleDir) return 'no moduleDir is configured (plugins.terraform.moduleDir)';
  if (isAbsolute(template) || template.split(/[\\/]/).includes('..') || template.includes('\0')) {
    return 'must be a directory under the module directory (no absolute path, no `..`)';
  }
  const dir = join(moduleDir, normalize(template));
  if (!dir.startsWith(join(moduleDir) + sep)) return 'must be a directory under the module directory';
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return `no module directory '${template}' under the module directory`;
  if (!readdirSync(dir).some((f) => f.endsWith('.tf') || f.endsWith('.tf.json'))) return `'${template}' holds no .tf or .tf.json file`;
  return undefined;
}

export function moduleDirOf(moduleDir: string, template: string): string {
  return join(moduleDir, normalize(template));
}

/** The variables a module declares (its top-level configuration files). */
export function readVariables(dir: string): Map<string, VariableDecl> {
  const out = new Map<string, VariableDecl>();
  for (const f of readdirSync(dir).sort()) {
    const text = () => readFileSync(join(dir, f), 'utf8');
    if (f.endsWith('.tf.json')) for (const v of jsonVariables(JSON.parse(text()))) out.set(v.name, v);
    else if (f.endsWith('.tf')) for (const v of hclVariables(text())) out.set(v.name, v);
  }
  return out;
}

/** Declarations of a `*.tf.json` document. */
export function jsonVariables(doc: unknown): VariableDecl[] {
  const block = (doc as { variable?: unknown })?.variable;
  const entries: [string, unknown][] = [];
  for (const part of Array.isArray(block) ? block : [block]) {
    if (part && typeof part === 'object') entries.push(...Object.entries(part as Record<string, unknown>));
  }
  return entries.map(([name, raw]) => {
    const b = (Array.isArray(raw) ? raw[0] : raw) as Record<string, unknown> | undefined ?? {};
    return {
      name, required: !Object.hasOwn(b, 'default'), sensitive: b.sensitive === true, nullable: b.nullable !== false,
      ...(typeof b.type === 'string' ? { type: unwrapTemplate(b.type) } : {}),
      ...(typeof b.description === 'string' ? { description: b.description } : {}),
    };
  });
}

/** In JSON syntax a type may be written as a template (`"${string}"`, older style). */
function unwrapTemplate(t: string): string {
  const m = /^\$\{(.*)\}$/s.exec(t.trim());
  return (m ? m[1] : t).trim();
}

/** One HCL block: its labels (`variable "x"` -> ['x']), its body, and the body's own attributes (`attr`). */
export interface HclBlock {
  labels: string[];
  body: string;
  /** An attribute of the block itself (never of a nested block), its value as written on its line. */
  attr: (key: string) => string | undefined;
}

/**
 * The top-level blocks of a type in simple HCL (`variable "x" { ... }`, `terraform { ... }`), braces balanced,
 * strings and comments skipped; a block inside a returned one is not returned again.
 */
export function hclBlocks(source: string, type: string): HclBlock[] {
  const text = stripComments(source);
  const out: HclBlock[] = [];
  const head = new RegExp(`(^|\\n)[ \\t]*${type}((?:[ \\t]+"[^"\\n]*")*)[ \\t]*\\{`, 'g');
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const start = head.lastIndex;
    const end = closingBrace(text, start);
    // Only the block's own attributes: what nested blocks (validation { ... }) and multi-line values
    // (type = object({ default = string })) hold is cut out first.
    const own = topLevel(text.slice(start, end));
    out.push({
      labels: [...m[2].matchAll(/"([^"]*)"/g)].map((l) => l[1]),
      body: text.slice(start, end),
      attr: (k) => new RegExp(`(^|\\n)\\s*${k}\\s*=\\s*([^\\n]*)`).exec(own)?.[2]?.trim(),
    });
    head.lastIndex = end;
  }
  return out;
}

/** Declarations of simple HCL: each `variable "name" { ... }` block. */
export function hclVariables(source: string): VariableDecl[] {
  return hclBlocks(source, 'variable').filter((b) => b.labels.length === 1).map((b) => {
    const type = b.attr('type');
    const description = b.attr('description');
    return {
      name: b.labels[0], required: b.attr('default') === undefined, sensitive: b.attr('sensitive') === 'true', nullable: b.attr('nullable') !== 'false',
      ...(type ? { type: fullValue(b.body, 'type') ?? type } : {}), ...(description ? { description: description.replace(/^"|"$/g, '') } : {}),
    };
  });
}

/** The text with its comments (`#`, `//`, `/* *\/`) blanked, strings and line breaks kept. */
export function stripComments(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const from = i;
      for (i++; i < text.length && text[i] !== '"' && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
      out += text.slice(from, i + 1);
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < text.length && text[i] !== '\n') i++;
      if (i < text.length) out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else out += c;
  }
  return out;
}

function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return text.length;
}

/** The text of a block body at bracket depth 0 only (strings kept): nested blocks and multi-line values emptied. */
function topLevel(body: string): string {
  let out = '';
  let depth = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '"') {
      const from = i;
      for (i++; i < body.length && body[i] !== '"'; i++) if (body[i] === '\\') i++;
      if (depth === 0) out += body.slice(from, i + 1);
    } else if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
    else if (depth === 0 || c === '\n') out += c;
  }
  return out;
}

/** An attribute's whole value (a type constraint across lines), whitespace collapsed. */
function fullValue(body: string, key: string): string | undefined {
  const m = new RegExp(`(^|\\n)\\s*${key}\\s*=\\s*`).exec(body);
  if (!m) return undefined;
  let depth = 0;
  let i = m.index + m[0].length;
  const from = i;
  for (; i < body.length; i++) {
    const c = body[i];
    if ('([{'.includes(c)) depth++;
    else if (')]}'.includes(c)) depth--;
    else if (c === '\n' && depth <= 0) break;
  }
  return body.slice(from, i).replace(/\s+/g, ' ').trim() || undefined;
}

/**
 * Variables a module's own files give values (Terraform reads them whatever the request says):
 * `terraform.tfvars`, `terraform.tfvars.json`, `*.auto.tfvars`, `*.auto.tfvars.json`, and `TF_VAR_<name>` of
 * the environment the CLI gets.
 */
export function suppliedVariables(dir: string, env: Record<string, string> = {}): Set<string> {
  const out = new Set<string>();
  for (const k of Object.keys(env)) if (k.startsWith('TF_VAR_') && k.length > 7) out.add(k.slice(7));
  for (const f of readdirSync(dir)) {
    const file = join(dir, f);
    try {
      if (f === 'terraform.tfvars.json' || f.endsWith('.auto.tfvars.json')) {
        const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        if (doc && typeof doc === 'object' && !Array.isArray(doc)) for (const k of Object.keys(doc)) out.add(k);
      } else if (f === 'terraform.tfvars' || f.endsWith('.auto.tfvars')) {
        for (const m of topLevel(stripComments(readFileSync(file, 'utf8'))).matchAll(/(^|\n)\s*([A-Za-z_][\w-]*)\s*=/g)) out.add(m[2]);
      }
    } catch {
      /* unreadable: Terraform reports it when it runs */
    }
  }
  return out;
}

/** Checks request variables against the declarations; pointers are relative to the params (`/variables/x`). */
export function variableIssues(decls: Map<string, VariableDecl>, vars: Record<string, unknown>, secretVars: Record<string, unknown>, secretKey: RegExp, supplied: Set<string> = new Set()): ParamIssue[] {
  const issues: ParamIssue[] = [];
  const given = new Map<string, { value: unknown; at: string }>();
  for (const [k, v] of Object.entries(vars)) given.set(k, { value: v, at: `/variables/${ptr(k)}` });
  for (const [k, v] of Object.entries(secretVars)) {
    if (given.has(k)) issues.push({ pointer: `/secretVariables/${ptr(k)}`, message: 'is also given in `variables`: give it once' });
    given.set(k, { value: v, at: `/secretVariables/${ptr(k)}` });
  }
  for (const [k, { value, at }] of given) {
    const d = decls.get(k);
    if (!d) {
      issues.push({ pointer: at, message: `the module declares no variable '${k}' (declared: ${[...decls.keys()].join(', ') || 'none'})` });
      continue;
    }
    if (d.sensitive && at.startsWith('/variables/') && !secretKey.test(k)) {
      issues.push({ pointer: at, message: 'is declared sensitive in the module: pass it in `secretVariables`, which answers never show' });
    }
    const problem = typeProblem(d, value);
    if (problem) issues.push({ pointer: at, message: problem });
  }
  for (const d of decls.values()) {
    if (d.required && !given.has(d.name) && !supplied.has(d.name)) issues.push({ pointer: `/variables/${ptr(d.name)}`, message: `is required by the module (no default)${d.type ? `: ${d.type}` : ''}` });
  }
  return issues;
}

const ptr = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Terraform's conversions for the basic types: numbers and bools become strings, "12" a number, "true" a bool. */
export function typeProblem(d: VariableDecl, value: unknown): string | undefined {
  if (value === null) return d.nullable ? undefined : 'must not be null (the variable is declared nullable = false)';
  const t = (d.type ?? 'any').replace(/\s+/g, '');
  const kind = /^[a-z]+/.exec(t)?.[0] ?? 'any';
  const isObj = typeof value === 'object' && !Array.isArray(value);
  switch (kind) {
    case 'string': return ['string', 'number', 'boolean'].includes(typeof value) ? undefined : `must be a string (the module declares ${t})`;
    case 'number': return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) ? undefined : `must be a number (the module declares ${t})`;
    case 'bool': return typeof value === 'boolean' || value === 'true' || value === 'false' ? undefined : `must be a boolean (the module declares ${t})`;
    case 'list': case 'set': case 'tuple': return Array.isArray(value) ? undefined : `must be a list (the module declares ${t})`;
    case 'map': case 'object': return isObj ? undefined : `must be an object (the module declares ${t})`;
    default: return undefined;
  }
}
