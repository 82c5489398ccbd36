/**
 * The lines of the capstan_events stdout callback (callback/capstan_events.py): one JSON object per line.
 * Host events carry host, task, action, changed and, when the module gave them, rc/stdout/stderr/msg.
 */
import type { TargetOutcome } from '../../../src/core/types.js';
import { Errors } from '../../../src/core/errors.js';

export type HostEventKind = 'runner_on_ok' | 'runner_on_failed' | 'runner_on_unreachable' | 'runner_on_skipped';

export interface HostEvent {
  event: HostEventKind;
  host: string;
  task: string | null;
  action: string | null;
  changed: boolean;
  rc?: number;
  stdout?: string;
  stderr?: string;
  msg?: unknown;
  result?: Record<string, unknown>;
  ignore_errors?: boolean;
}

export interface HostStats {
  ok: number; failures: number; unreachable: number; changed: number; skipped: number; rescued: number; ignored: number;
}

export type AnsibleEvent =
  | HostEvent
  | { event: 'play_start'; play: string }
  | { event: 'task_start'; task: string; action: string; handler?: boolean }
  | { event: 'no_hosts_matched' }
  | { event: 'stats'; hosts: Record<string, HostStats> };

const HOST_EVENTS = new Set(['runner_on_ok', 'runner_on_failed', 'runner_on_unreachable', 'runner_on_skipped']);

/** One stdout line -> an event, or undefined for anything else (warnings a plugin printed, blank lines). */
export function parseEventLine(line: string): AnsibleEvent | undefined {
  const s = line.trim();
  if (!s.startsWith('{')) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(s);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || typeof (v as { event?: unknown }).event !== 'string') return undefined;
  const e = v as AnsibleEvent;
  if (HOST_EVENTS.has(e.event) && typeof (e as HostEvent).host !== 'string') return undefined;
  return e;
}

export function isHostEvent(e: AnsibleEvent): e is HostEvent {
  return HOST_EVENTS.has(e.event);
}

const msgText = (m: unknown) => (typeof m === 'string' ? m : m === undefined ? '' : JSON.stringify(m));

function problem(e: InstanceType<typeof Errors.ExecutionFailed>) {
  return { category: e.category, code: e.code, title: e.title, detail: e.message };
}

/**
 * A host's outcome from its one result of an ad-hoc run (one task). The command's output is streamed as
 * lines, so it is not repeated in `value`.
 */
export function adhocOutcome(e: HostEvent): TargetOutcome {
  const value = { changed: e.changed, ...(e.msg !== undefined && e.event !== 'runner_on_ok' ? { msg: e.msg } : {}), ...(e.result ?? {}) };
  const rc = typeof e.rc === 'number' ? e.rc : undefined;
  switch (e.event) {
    case 'runner_on_ok':
      return { target: e.host, status: 'succeeded', exitCode: rc ?? 0, changed: e.changed, value };
    case 'runner_on_skipped':
      return { target: e.host, status: 'skipped', exitCode: null, value };
    case 'runner_on_unreachable':
      return { target: e.host, status: 'failed', exitCode: null, value, error: problem(new Errors.Connect(`${e.host} unreachable: ${msgText(e.msg)}`)) };
    default:
      return {
        target: e.host, status: 'failed', exitCode: rc ?? null, changed: e.changed, value,
        error: problem(new Errors.ExecutionFailed(`${e.task ?? 'task'} failed on ${e.host}${rc !== undefined ? ` (exit ${rc})` : ''}: ${msgText(e.msg)}`)),
      };
  }
}

/** Per-host record of a playbook run, built from its host events (the stats line is the final word). */
export interface PlaybookHost {
  ok: number; changed: number; failed: number; unreachable: number; skipped: number;
  /** The first failure or unreachable message: the host's error. */
  firstError?: { task: string | null; msg: string; unreachable: boolean; rc?: number };
  tasks: { task: string | null; status: 'ok' | 'changed' | 'failed' | 'ignored' | 'skipped' | 'unreachable'; msg?: string }[];
}

/** Tasks kept per host in a playbook's result value (the latest ones); the full log is the stream. */
export const MAX_TASKS_KEPT = 200;

export function recordPlaybookEvent(hosts: Map<string, PlaybookHost>, e: HostEvent): void {
  let h = hosts.get(e.host);
  if (!h) hosts.set(e.host, h = { ok: 0, changed: 0, failed: 0, unreachable: 0, skipped: 0, tasks: [] });
  let status: PlaybookHost['tasks'][number]['status'];
  if (e.event === 'runner_on_ok') { h.ok++; if (e.changed) h.changed++; status = e.changed ? 'changed' : 'ok'; }
  else if (e.event === 'runner_on_skipped') { h.skipped++; status = 'skipped'; }
  else if (e.event === 'runner_on_unreachable') { h.unreachable++; status = 'unreachable'; }
  else if (e.ignore_errors) status = 'ignored';
  else { h.failed++; status = 'failed'; }
  if ((status === 'failed' || status === 'unreachable') && !h.firstError) {
    h.firstError = { task: e.task, msg: msgText(e.msg), unreachable: status === 'unreachable', ...(typeof e.rc === 'number' ? { rc: e.rc } : {}) };
  }
  const msg = status === 'ok' || status === 'changed' ? '' : msgText(e.msg);
  h.tasks.push({ task: e.task, status, ...(msg ? { msg: msg.slice(0, 2000) } : {}) });
  if (h.tasks.length > MAX_TASKS_KEPT) h.tasks.shift();
}

/** A host's outcome at the end of a playbook: stats when Ansible printed them, else what its events said. */
export function playbookOutcome(target: string, h: PlaybookHost | undefined, stats: HostStats | undefined, check: boolean): TargetOutcome | undefined {
  if (!h && !stats) return undefined;
  const failures = stats ? stats.failures : h!.failed;
  const unreachable = stats ? stats.unreachable : h!.unreachable;
  const changed = (stats ? stats.changed : h!.changed) > 0;
  const value = { ...(stats ? { stats } : {}), check, tasks: h?.tasks ?? [] };
  const where = h?.firstError ? ` in task '${h.firstError.task ?? '?'}': ${h.firstError.msg}` : '';
  if (unreachable > 0) return { target, status: 'failed', exitCode: null, changed, value, error: problem(new Errors.Connect(`${target} unreachable${where}`)) };
  if (failures > 0) {
    return { target, status: 'failed', exitCode: h?.firstError?.rc ?? 2, changed, value, error: problem(new Errors.ExecutionFailed(`playbook failed on ${target}${where}`)) };
  }
  return { target, status: 'succeeded', exitCode: 0, changed, value };
}
