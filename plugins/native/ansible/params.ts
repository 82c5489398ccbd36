/** Small pure pieces: target-name and plan-parameter checks, output pieces. */
import { Errors } from '../../../src/core/errors.js';

/**
 * Names Ansible reads as one host in a limit file: no pattern syntax (`,` `:` `!` `&` `~` `@` globs, regex),
 * no leading `-`. Anything else is refused rather than sent where it could select other hosts.
 */
export const SAFE_TARGET = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** plan.execute's parameters for a playbook. */
export interface PlanOptions {
  /** Extra variables (`--extra-vars @file`); never templated by Ansible (`!unsafe`). */
  vars?: Record<string, unknown>;
  tags?: string[];
  skipTags?: string[];
  /** `--check`: report what would change, change nothing. */
  check?: boolean;
  /** `--diff`: show the changes of file and template tasks. */
  diff?: boolean;
}

const KEYS = new Set(['vars', 'tags', 'skipTags', 'check', 'diff']);

export function parsePlanParams(p: Record<string, unknown>): PlanOptions {
  const bad = Object.keys(p).filter((k) => !KEYS.has(k));
  if (bad.length) throw new Errors.Validation(`unknown playbook parameter(s) ${bad.join(', ')}; the ansible plugin takes vars, tags, skipTags, check and diff.`);
  const out: PlanOptions = {};
  if (p.vars !== undefined) {
    if (!p.vars || typeof p.vars !== 'object' || Array.isArray(p.vars)) throw new Errors.Validation('`vars` must be an object of extra variables.');
    out.vars = p.vars as Record<string, unknown>;
  }
  for (const k of ['tags', 'skipTags'] as const) {
    const v = p[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((t) => typeof t === 'string' && TAG.test(t))) {
      throw new Errors.Validation(`\`${k}\` must be a list of tag names (letters, digits, _ . -).`);
    }
    out[k] = v as string[];
  }
  for (const k of ['check', 'diff'] as const) {
    const v = p[k];
    if (v === undefined) continue;
    if (typeof v !== 'boolean') throw new Errors.Validation(`\`${k}\` must be true or false.`);
    out[k] = v;
  }
  return out;
}

export interface Piece {
  line: string;
  partial?: true;
}

/**
 * A module's output text as whole lines. Ansible strips the trailing newline of a module's stdout/stderr and
 * reports it only when the task ended, so the last line is complete too (never `partial`: the next line, often
 * another task's, must not be glued to it). CRLF becomes LF: the script module runs on a pty (the ssh
 * connection's usetty), whose lines end in CRLF.
 */
export function pieces(v: unknown): Piece[] {
  if (typeof v !== 'string' || !v.length) return [];
  const parts = v.replace(/\r\n/g, '\n').split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts.map((line) => ({ line }));
}
