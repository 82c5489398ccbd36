/**
 * PuppetDB rows -> Capstan records. Formats as PuppetDB's query API v4 documents them: nodes
 * (api/query/v4/nodes), factsets (api/query/v4/factsets), reports (api/query/v4/reports: `metrics`, `logs`
 * and `resource_events` as `{ data, href }`), events (api/query/v4/events) and resources
 * (api/query/v4/resources). Pure functions, tested on recorded PuppetDB 7.12 answers.
 */
import { createHash } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { Event, Facts, ManagedResource, Node, Report } from '../../../src/capabilities/index.js';

export const SOURCE = 'puppetdb';

type NodeT = Static<typeof Node>;
type FactsT = Static<typeof Facts>;
type ReportT = Static<typeof Report>;
type EventT = Static<typeof Event>;
type ResourceT = Static<typeof ManagedResource>;

/** A row of /pdb/query/v4/nodes. */
export interface PdbNode {
  certname: string;
  deactivated: string | null;
  expired: string | null;
  catalog_timestamp: string | null;
  facts_timestamp: string | null;
  report_timestamp: string | null;
  catalog_environment: string | null;
  facts_environment: string | null;
  report_environment: string | null;
  latest_report_status: string | null;
  latest_report_hash: string | null;
  latest_report_noop: boolean | null;
  latest_report_corrective_change?: boolean | null;
  cached_catalog_status?: string | null;
}

/** The node as the inventory shows it; PuppetDB's state of it under `vars.puppetdb`. */
export function toNode(n: PdbNode, groups: string[]): NodeT {
  const state = n.deactivated ? 'deactivated' : n.expired ? 'expired' : 'active';
  return {
    id: n.certname,
    name: n.certname,
    groups,
    sources: [{ source: SOURCE, id: n.certname }],
    vars: {
      puppetdb: {
        state,
        deactivated: n.deactivated,
        expired: n.expired,
        latestReportStatus: n.latest_report_status,
        latestReportHash: n.latest_report_hash,
        latestReportNoop: n.latest_report_noop,
        reportTimestamp: n.report_timestamp,
        catalogTimestamp: n.catalog_timestamp,
        factsTimestamp: n.facts_timestamp,
        environment: n.catalog_environment ?? n.report_environment ?? n.facts_environment,
      },
    },
  };
}

/** A factset (/pdb/query/v4/factsets): facts as `{ data: [{ name, value }] }` (or already a map). */
export interface PdbFactset {
  certname: string;
  timestamp: string;
  environment?: string | null;
  facts: { data?: { name: string; value: unknown }[] } | Record<string, unknown>;
}

/** The facts of a factset as one object, fact name -> value. */
export function factMap(fs: PdbFactset): Record<string, unknown> {
  const f = fs.facts as { data?: unknown };
  if (Array.isArray(f.data)) return Object.fromEntries((f.data as { name: string; value: unknown }[]).map((x) => [x.name, x.value]));
  return { ...(fs.facts as Record<string, unknown>) };
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
const dig = (o: unknown, path: string[]) => path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

/**
 * Facter facts normalised like the other sources': os family/name/release (structured `os` first, the legacy
 * flat facts as fallback), kernel name and release, hostname, processors, memory, networking; every fact kept
 * under `raw`.
 */
export function toFacts(fs: PdbFactset): FactsT {
  const raw = factMap(fs);
  const ips = new Set<string>();
  const interfaces = dig(raw, ['networking', 'interfaces']);
  if (interfaces && typeof interfaces === 'object') {
    for (const i of Object.values(interfaces as Record<string, unknown>)) {
      for (const b of [...((dig(i, ['bindings']) as unknown[]) ?? []), ...((dig(i, ['bindings6']) as unknown[]) ?? [])]) {
        const a = str(dig(b, ['address']));
        if (a && a !== '127.0.0.1' && a !== '::1' && !a.startsWith('fe80:')) ips.add(a);
      }
    }
  }
  if (!ips.size) for (const k of ['ipaddress', 'ipaddress6']) { const a = str(raw[k]); if (a) ips.add(a); }
  return {
    node: fs.certname,
    os: {
      family: str(dig(raw, ['os', 'family'])) ?? str(raw.osfamily),
      name: str(dig(raw, ['os', 'name'])) ?? str(raw.operatingsystem),
      release: str(dig(raw, ['os', 'release', 'full'])) ?? str(raw.operatingsystemrelease),
    },
    kernel: str(raw.kernel),
    kernelRelease: str(raw.kernelrelease),
    hostname: str(dig(raw, ['networking', 'hostname'])) ?? str(raw.hostname),
    processors: {
      count: int(dig(raw, ['processors', 'count'])) ?? int(raw.processorcount),
      model: str((dig(raw, ['processors', 'models']) as unknown[] | undefined)?.[0]) ?? str(raw.processor0),
    },
    memory: { totalBytes: int(dig(raw, ['memory', 'system', 'total_bytes'])) },
    networking: {
      fqdn: str(dig(raw, ['networking', 'fqdn'])) ?? str(raw.fqdn),
      ipAddresses: [...ips],
      ...(interfaces && typeof interfaces === 'object' ? { interfaces: interfaces as Record<string, unknown> } : {}),
    },
    raw,
    gatheredAt: fs.timestamp,
    source: SOURCE,
  };
}

/** An expanded list field of a report (`{ data, href }`), or the list itself. */
function listOf<T>(v: unknown): T[] {
  if (Array.isArray(v)) return v as T[];
  const d = (v as { data?: unknown } | null | undefined)?.data;
  return Array.isArray(d) ? (d as T[]) : [];
}

/** A row of /pdb/query/v4/reports (full, or extracted fields). */
export interface PdbReport {
  hash: string;
  certname: string;
  status: string | null;
  start_time: string;
  end_time?: string | null;
  noop?: boolean | null;
  environment?: string | null;
  configuration_version?: string | null;
  puppet_version?: string | null;
  corrective_change?: boolean | null;
  metrics?: unknown;
  logs?: unknown;
  resource_events?: unknown;
}

interface PdbMetric { category: string; name: string; value: number }
interface PdbLog { time: string; level: string; source?: string | null; message: string }
interface PdbReportEvent {
  resource_type: string; resource_title: string; property: string | null; status: string;
  old_value: unknown; new_value: unknown; message: string | null;
}

const REPORT_STATUS = new Set(['changed', 'unchanged', 'failed']);
const EVENT_STATUS = new Set(['success', 'failure', 'noop', 'skipped']);

/** A report; with `full`, its logs and resource events too (reports.get). */
export function toReport(r: PdbReport, full = false): ReportT {
  const metrics = listOf<PdbMetric>(r.metrics);
  const metric = (category: string, name: string) => metrics.find((m) => m.category === category && m.name === name)?.value;
  const count = (name: string) => { const v = metric('resources', name); return typeof v === 'number' && v >= 0 ? Math.round(v) : undefined; };
  const duration = metric('time', 'total');
  const resources = { total: count('total'), changed: count('changed'), failed: count('failed'), skipped: count('skipped'), outOfSync: count('out_of_sync') };
  const hasResources = Object.values(resources).some((v) => v !== undefined);
  const out: ReportT = {
    id: r.hash,
    node: r.certname,
    source: SOURCE,
    // A report without a status (an agent that crashed before sending one) counts as failed.
    status: (REPORT_STATUS.has(r.status ?? '') ? r.status : 'failed') as ReportT['status'],
    startTime: r.start_time,
    ...(r.end_time ? { endTime: r.end_time } : {}),
    ...(typeof r.noop === 'boolean' ? { noop: r.noop } : {}),
    ...(r.environment ? { environment: r.environment } : {}),
    ...(r.configuration_version ? { configurationVersion: r.configuration_version } : {}),
    ...(r.puppet_version ? { agentVersion: r.puppet_version } : {}),
    ...(typeof r.corrective_change === 'boolean' ? { correctiveChange: r.corrective_change } : {}),
    ...(hasResources || typeof duration === 'number' ? {
      metrics: {
        ...(hasResources ? { resources: Object.fromEntries(Object.entries(resources).filter(([, v]) => v !== undefined)) } : {}),
        ...(typeof duration === 'number' && duration >= 0 ? { durationSeconds: duration } : {}),
      },
    } : {}),
  };
  if (full) {
    out.logs = listOf<PdbLog>(r.logs).map((l) => ({ time: isoTime(l.time), level: l.level, ...(l.source ? { source: l.source } : {}), message: l.message }));
    out.resourceEvents = listOf<PdbReportEvent>(r.resource_events).map((e) => ({
      resourceType: e.resource_type,
      resourceTitle: e.resource_title,
      ...(e.property ? { property: e.property } : {}),
      status: (EVENT_STATUS.has(e.status) ? e.status : 'failure') as 'success' | 'failure' | 'noop' | 'skipped',
      oldValue: e.old_value,
      newValue: e.new_value,
      ...(e.message ? { message: e.message } : {}),
    }));
  }
  return out;
}

/** Report log times come as `2026-11-24T23:31:37.277+00:00`: keep them as UTC `Z` times (date-time either way). */
function isoTime(t: string): string {
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? t : new Date(ms).toISOString();
}

/** A row of /pdb/query/v4/events. */
export interface PdbEvent {
  certname: string;
  report: string;
  status: string;
  timestamp: string;
  run_start_time?: string;
  report_receive_time?: string;
  resource_type: string;
  resource_title: string;
  property: string | null;
  old_value: unknown;
  new_value: unknown;
  message: string | null;
  file?: string | null;
  line?: number | null;
  containment_path?: string[] | null;
  containing_class?: string | null;
  environment?: string | null;
  corrective_change?: boolean | null;
}

/** PuppetDB event status <-> Capstan event type and severity. */
export const EVENT_KINDS = [
  { status: 'success', type: 'resource_change', severity: 'notice' },
  { status: 'failure', type: 'resource_failure', severity: 'error' },
  { status: 'noop', type: 'resource_noop', severity: 'info' },
  { status: 'skipped', type: 'resource_skipped', severity: 'warning' },
] as const;

/**
 * PuppetDB events have no id: one is derived from what identifies an event (report, resource, property), so
 * the same event has the same id on every read.
 */
export function eventId(e: Pick<PdbEvent, 'report' | 'resource_type' | 'resource_title' | 'property'>): string {
  const h = createHash('sha256').update(JSON.stringify([e.resource_type, e.resource_title, e.property ?? null])).digest('hex').slice(0, 16);
  return `${e.report}-${h}`;
}

export function toEvent(e: PdbEvent): EventT {
  const kind = EVENT_KINDS.find((k) => k.status === e.status) ?? EVENT_KINDS[1];
  const resource = `${e.resource_type}[${e.resource_title}]`;
  return {
    id: eventId(e),
    node: e.certname,
    timestamp: isoTime(e.timestamp),
    type: kind.type,
    severity: kind.severity,
    message: e.message ? `${resource}${e.property ? ` ${e.property}` : ''}: ${e.message}` : `${resource} ${e.status}`,
    source: SOURCE,
    data: {
      report: e.report,
      status: e.status,
      resourceType: e.resource_type,
      resourceTitle: e.resource_title,
      ...(e.property ? { property: e.property } : {}),
      oldValue: e.old_value,
      newValue: e.new_value,
      ...(e.file ? { file: e.file } : {}),
      ...(typeof e.line === 'number' ? { line: e.line } : {}),
      ...(e.containment_path ? { containmentPath: e.containment_path } : {}),
      ...(e.environment ? { environment: e.environment } : {}),
      ...(e.report_receive_time ? { reportReceiveTime: e.report_receive_time } : {}),
      ...(e.run_start_time ? { runStartTime: e.run_start_time } : {}),
      ...(typeof e.corrective_change === 'boolean' ? { correctiveChange: e.corrective_change } : {}),
    },
  };
}

/** A row of /pdb/query/v4/resources. */
export interface PdbResource {
  certname: string;
  type: string;
  title: string;
  parameters?: Record<string, unknown> | null;
  file?: string | null;
  line?: number | null;
  tags?: string[] | null;
  exported?: boolean | null;
  environment?: string | null;
}

export function toResource(r: PdbResource): ResourceT {
  return {
    type: r.type,
    title: r.title,
    node: r.certname,
    ...(r.parameters ? { parameters: r.parameters } : {}),
    ...(r.file ? { file: r.file } : {}),
    ...(typeof r.line === 'number' && r.line >= 0 ? { line: r.line } : {}),
    ...(r.tags ? { tags: r.tags } : {}),
    ...(typeof r.exported === 'boolean' ? { exported: r.exported } : {}),
    ...(r.environment ? { environment: r.environment } : {}),
    source: SOURCE,
  };
}
