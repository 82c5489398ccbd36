/** Pieces of the plugin's answers: the plan summary, the digest of a plan's inputs, and the error of a failed step. */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { ProvisionCreateParams, ProvisionedResource } from '../../../src/capabilities/index.js';
import { abortStatus } from '../../../src/core/abort.js';
import { CapstanError, Errors } from '../../../src/core/errors.js';
import type { ExecutionContext } from '../../../src/core/types.js';
import type { CliResult } from './cli.js';
import type { TerraformConfig } from './config.js';
import type { RunReport } from './events.js';
import type { ResourceRecord } from './workspace.js';

type CreateParams = Static<typeof ProvisionCreateParams>;
type Resource = Static<typeof ProvisionedResource>;

export function planOf(p: NonNullable<ResourceRecord['plan']>): NonNullable<Resource['plan']> {
  return { id: p.id, add: p.add, change: p.change, remove: p.remove, changes: p.changes, createdAt: p.createdAt };
}

/** Stable hash of what a plan was made from (template and variables, secrets included: only the digest is kept). */
export function inputsHash(p: CreateParams): string {
  const stable = (v: unknown): unknown => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, stable((v as Record<string, unknown>)[k])])) : Array.isArray(v) ? v.map(stable) : v);
  return createHash('sha256').update(JSON.stringify(stable({ t: p.template, v: { ...(p.variables ?? {}), ...(p.secretVariables ?? {}) }, m: { s: p.size, n: p.network, g: p.tags } }))).digest('hex');
}

export function summary(e: CapstanError) {
  return { category: e.category, code: e.code, title: e.title, detail: e.message };
}

/** The error of a failed step: a lock held elsewhere, a stale plan, an interrupt, or the CLI's own errors. */
export function stepError(r: CliResult, report: RunReport, step: string, cfg: TerraformConfig, ctx: ExecutionContext, planId?: string): CapstanError {
  if (r.aborted) {
    const how = abortStatus(ctx.signal) === 'timed_out' ? 'timed out' : 'canceled';
    return new Errors.ExecutionFailed(`${step} ${how}: ${basename(cfg.binary)} was interrupted (SIGINT)${report.interrupted ? ' and stopped' : ''}; the state keeps what completed${report.completed.length ? ` (${report.completed.join(', ')})` : ''}.`);
  }
  const lock = report.lockHeld();
  if (lock) {
    const who = lock.lock ? ` (held by ${lock.lock.Who ?? '?'} for ${lock.lock.Operation ?? '?'} since ${lock.lock.Created ?? '?'}, lock ID ${lock.lock.ID ?? '?'})` : '';
    return new Errors.StateLocked(`the state of this resource is locked by another process${who}; not released within ${cfg.lockTimeoutSeconds} s.`, { extra: lock.lock ? { lock: lock.lock } : {} });
  }
  const stale = report.stalePlan();
  if (stale) return new Errors.PlanStale(`saved plan ${planId ?? ''} is stale: the state changed since it was made (${stale.detail.split('\n').filter(Boolean).join(' ') || stale.summary}). Run provision.create again without approvePlan to make a new plan.`);
  const text = report.errorText() || r.stderr.slice(-5).join(' | ') || `exit code ${r.exitCode}`;
  const partial = step === 'apply' && report.completed.length ? ` Completed before the failure (kept in the state): ${report.completed.join(', ')}.` : '';
  return new Errors.ExecutionFailed(`${basename(cfg.binary)} ${step} failed: ${text}${partial}`.slice(0, 4000));
}
