/**
 * The puppetdb plugin: PuppetDB (query API v4) as a source of inventory (nodes, groups), facts (factsets),
 * run reports, resource events (also followed as a stream), managed resources, and native PQL/AST queries.
 * Every query is an AST built from typed filters (ast.ts); the HTTP client does TLS, timeouts, retries and
 * the circuit breaker (client.ts); the rows are mapped to Capstan's records by parse.ts.
 */
import type { Static } from '@sinclair/typebox';
import type { Logger } from 'pino';
import {
  eventsList, eventsQuery, eventsStream, infoFacts, inventoryFilter, inventoryGet, inventoryGroups, inventoryList, journalList, journalStream,
  queryNative, reportsGet, reportsList, reportsQuery, resourcesList, type Event, type Facts, type Group, type Node,
} from '../../../src/capabilities/index.js';
import { Errors } from '../../../src/core/errors.js';
import { compileGlob } from '../../../src/core/glob.js';
import type { Cache, PluginHelpers } from '../../../src/core/helpers-api.js';
import { BasePlugin, implement, type HealthStatus, type PluginCapability } from '../../../src/core/types.js';
import { and, eq, extract, factPath, ge, inSubquery, lt, oneOf, parseUserAst, type Ast, type AstValue } from './ast.js';
import { PuppetDbClient } from './client.js';
import type { PuppetDbConfig } from './config.js';
import { journalList as listJournal, journalStream as followJournal } from './journal.js';
import { EVENT_KINDS, SOURCE, toEvent, toFacts, toNode, toReport, toResource, type PdbEvent, type PdbFactset, type PdbNode, type PdbReport, type PdbResource } from './parse.js';

export const PLUGIN_ID = SOURCE;

type NodeT = Static<typeof Node>;
type GroupT = Static<typeof Group>;
type FactsT = Static<typeof Facts>;
type EventT = Static<typeof Event>;

interface Inventory {
  nodes: NodeT[];
  groups: GroupT[];
}

/** The report fields a list needs (no logs, no resource events: those are reports.get's). */
const REPORT_LIST_FIELDS = ['hash', 'certname', 'status', 'start_time', 'end_time', 'noop', 'environment', 'configuration_version', 'puppet_version', 'corrective_change', 'metrics'];
const REPORT_ORDER = [{ field: 'start_time', order: 'desc' as const }, { field: 'hash', order: 'desc' as const }];
const EVENT_ORDER = [{ field: 'timestamp', order: 'desc' as const }, { field: 'report' }, { field: 'resource_type' }, { field: 'resource_title' }, { field: 'property' }];
const STREAM_ORDER = [{ field: 'report_receive_time' }, { field: 'report' }, { field: 'resource_type' }, { field: 'resource_title' }, { field: 'property' }];
const SEVERITIES = ['debug', 'info', 'notice', 'warning', 'error', 'critical'] as const;

/** Offset cursors of this source: `offset:<n>`. */
function offsetOf(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const m = /^offset:(\d{1,9})$/.exec(cursor);
  if (!m) throw new Errors.CapabilityParams(`'${cursor.slice(0, 64)}' is not a cursor of the puppetdb source.`);
  return Number(m[1]);
}

/** The next page's cursor from what this page held. */
function nextOffset(offset: number, got: number, limit: number, total: number | undefined): string | null {
  const more = total !== undefined ? offset + got < total : got >= limit;
  return more ? `offset:${offset + got}` : null;
}

/** Stream cursors: `<report_receive_time>~<events at that time already delivered>`. */
function streamPos(cursor: string): { time: string; skip: number } {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?Z)~(\d{1,6})$/.exec(cursor);
  if (!m) throw new Errors.CapabilityParams(`'${cursor.slice(0, 64)}' is not an events cursor of the puppetdb source.`);
  return { time: m[1], skip: Number(m[2]) };
}

/** PuppetDB event statuses selected by Capstan event types and severities (undefined: no restriction). */
function eventStatuses(types?: string[], severities?: readonly string[]): string[] | undefined {
  if (!types && !severities) return undefined;
  return EVENT_KINDS.filter((k) => (!types || types.includes(k.type)) && (!severities || severities.includes(k.severity))).map((k) => k.status);
}

/** A fact value given as text matches the fact's JSON value: the string, and the number or boolean it spells. */
function factValues(v: string): AstValue[] {
  const out: AstValue[] = [v];
  if (/^-?\d+(\.\d+)?$/.test(v)) out.push(Number(v));
  if (v === 'true' || v === 'false') out.push(v === 'true');
  return out;
}

/** A group name from a fact value: target names hold no whitespace and never start with `-` or `@`. */
function groupName(v: unknown): string | undefined {
  if (v === null || v === undefined || typeof v === 'object') return undefined;
  const s = String(v).trim().replace(/[\s\x00-\x1f\x7f]+/g, '_').replace(/^[-@]+/, '');
  return s ? s.slice(0, 255) : undefined;
}

export class PuppetDbPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'PuppetDB: inventory, facts, reports (also as journal entries), events, managed resources and PQL queries.',
    integrationTypes: ['inventory' as const, 'facts' as const, 'reports' as const, 'events' as const],
  };
  private client!: PuppetDbClient;
  private readonly inventoryCache: Cache<Inventory>;
  private readonly factsCache: Cache<FactsT>;

  constructor(private readonly cfg: PuppetDbConfig, private readonly logger: Logger, private readonly helpers: PluginHelpers) {
    super();
    this.inventoryCache = helpers.createInventoryCache<Inventory>({ ttlMs: cfg.inventoryTtlSeconds * 1000, staleMs: cfg.inventoryTtlSeconds * 1000 });
    this.factsCache = helpers.createFactsCache<FactsT>({ ttlMs: cfg.factsTtlSeconds * 1000, staleMs: 0 });
  }

  /** Checks the config (URL, TLS files, group queries); PuppetDB being down is for health to tell, not a failed start. */
  async initialize(): Promise<void> {
    for (const [name, q] of Object.entries(this.cfg.groups ?? {})) {
      if (q.trimStart().startsWith('[')) {
        try {
          parseUserAst(q);
        } catch (err) {
          throw new Errors.Config(`plugins.puppetdb.groups.${name}: ${(err as Error).message}`);
        }
      }
    }
    this.client = new PuppetDbClient(this.cfg, this.helpers);
    this.logger.info({ url: this.client.base.origin, tls: this.client.base.protocol === 'https:' }, 'puppetdb source configured');
  }

  async shutdown(): Promise<void> {
    this.client?.close();
  }

  /** One request to the status API (no retry, no breaker): names the endpoint and why it failed. */
  async healthCheck(): Promise<HealthStatus> {
    const path = '/status/v1/services/puppetdb-status';
    const endpoint = `${this.client.base.origin}${path}`;
    const details = { endpoint, breaker: this.client.breakerState };
    try {
      const { body } = await this.client.probe<{ state?: string; service_version?: string; status?: Record<string, unknown> }>(path);
      if (body.state !== 'running') return { status: 'degraded', message: `PuppetDB at ${endpoint} is ${body.state ?? 'in an unknown state'}`, details: { ...details, state: body.state } };
      if (body.status?.['maintenance_mode?'] === true) return { status: 'degraded', message: `PuppetDB at ${endpoint} is in maintenance mode`, details };
      return { status: 'healthy', message: `PuppetDB ${body.service_version ?? ''} at ${this.client.base.origin} is running`.replace('  ', ' '), details: { ...details, version: body.service_version } };
    } catch (err) {
      return { status: 'unhealthy', message: `GET ${endpoint}: ${(err as Error).message}`, details };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      implement(inventoryList, async (p, ctx) => {
        const { nodes } = await this.inventory(ctx.signal);
        // PuppetDB knows no transport: asked for one, it has no node reached that way.
        return { nodes: p.transport ? [] : nodes.filter((n) => !p.groups?.length || p.groups.some((g) => n.groups.includes(g))) };
      }),
      implement(inventoryGet, async (p, ctx) => ({ node: (await this.inventory(ctx.signal)).nodes.find((n) => n.name === p.name) ?? null })),
      implement(inventoryGroups, async (_p, ctx) => ({ groups: (await this.inventory(ctx.signal)).groups })),
      implement(inventoryFilter, async (p, ctx) => {
        if (p.transport) return { nodes: [] };
        const re = p.name ? compileGlob(p.name) : undefined;
        let nodes = (await this.inventory(ctx.signal)).nodes
          .filter((n) => (!re || re.test(n.name)) && (!p.groups?.length || p.groups.some((g) => n.groups.includes(g))));
        const facts = Object.entries(p.facts ?? {});
        if (facts.length && nodes.length) {
          // One nodes query: each fact path/value pair is a fact-contents subquery, all ANDed.
          const q = and(...facts.map(([path, v]) => inSubquery('certname', 'fact_contents', 'certname', and(factPath(path.split('.')), oneOf('value', factValues(v)))!)));
          const { body } = await this.client.query<{ certname: string }[]>('nodes', { query: extract(['certname'], q), signal: ctx.signal });
          const hit = new Set(body.map((r) => r.certname));
          nodes = nodes.filter((n) => hit.has(n.name));
        }
        return { nodes };
      }),
      implement(infoFacts, async (p, ctx) => this.factsCache.get(p.node, async () => {
        const { body } = await this.client.query<PdbFactset[]>('factsets', { query: eq('certname', p.node), signal: ctx.signal });
        if (!body.length) throw new Errors.NodeNotFound(`PuppetDB has no facts for '${p.node}'.`);
        return toFacts(body[0]);
      })),
      implement(reportsList, async (p, ctx) => this.reports(p.node ? eq('certname', p.node) : undefined, p.limit, p.cursor, ctx.signal)),
      implement(reportsQuery, async (p, ctx) => {
        if (p.nodes?.length === 0) return { reports: [], nextCursor: null, total: 0 };
        const filter = and(
          p.nodes ? oneOf('certname', p.nodes) : undefined,
          p.status ? oneOf('status', p.status) : undefined,
          p.environment ? eq('environment', p.environment) : undefined,
          p.noop !== undefined ? eq('noop', p.noop) : undefined,
          p.since ? ge('start_time', p.since) : undefined,
          p.until ? lt('start_time', p.until) : undefined,
          p.query ? userAst(p.query) : undefined,
        );
        return this.reports(filter, p.limit, p.cursor, ctx.signal);
      }),
      implement(reportsGet, async (p, ctx) => {
        const { body } = await this.client.query<PdbReport[]>('reports', { query: eq('hash', p.id), signal: ctx.signal });
        return { report: body.length ? toReport(body[0], true) : null };
      }),
      implement(eventsList, async (p, ctx) => {
        const min = p.minSeverity ? SEVERITIES.indexOf(p.minSeverity) : 0;
        const statuses = eventStatuses(p.types, p.minSeverity ? SEVERITIES.slice(min) : undefined);
        return this.events(statuses, and(p.node ? eq('certname', p.node) : undefined, p.since ? ge('timestamp', p.since) : undefined), p.limit, p.cursor, ctx.signal);
      }),
      implement(eventsQuery, async (p, ctx) => {
        if (p.nodes?.length === 0) return { events: [], nextCursor: null, total: 0 };
        const filter = and(
          p.nodes ? oneOf('certname', p.nodes) : undefined,
          p.report ? eq('report', p.report) : undefined,
          p.resourceType ? eq('resource_type', p.resourceType) : undefined,
          p.resourceTitle ? eq('resource_title', p.resourceTitle) : undefined,
          p.since ? ge('timestamp', p.since) : undefined,
          p.until ? lt('timestamp', p.until) : undefined,
          p.query ? userAst(p.query) : undefined,
        );
        return this.events(eventStatuses(p.types, p.severities), filter, p.limit, p.cursor, ctx.signal);
      }),
      implement(eventsStream, async (p, ctx) => this.follow(p, ctx.signal)),
      // One journal entry per report (journal.ts).
      implement(journalList, async (p, ctx) => listJournal(this.client, p, ctx.signal)),
      implement(journalStream, async (p, ctx) => followJournal(this.client, p, ctx.signal)),
      implement(resourcesList, async (p, ctx) => {
        const offset = offsetOf(p.cursor);
        const limit = p.limit ?? 100;
        const query = and(eq('certname', p.node), p.types ? oneOf('type', p.types) : undefined, p.title ? eq('title', p.title) : undefined);
        const { body, total } = await this.client.query<PdbResource[]>('resources', {
          query, limit, offset, includeTotal: true, orderBy: [{ field: 'type' }, { field: 'title' }], signal: ctx.signal,
        });
        return { node: p.node, resources: body.map(toResource), nextCursor: nextOffset(offset, body.length, limit, total), ...(total === undefined ? {} : { total }) };
      }),
      implement(queryNative, async (p, ctx) => {
        const limit = Math.min(p.limit ?? this.cfg.maxQueryRows, this.cfg.maxQueryRows);
        let query: Ast | string = p.query;
        if (p.query.trimStart().startsWith('[')) {
          query = userAst(p.query);
          if (query[0] !== 'from') throw new Errors.CapabilityParams('an AST query for query.native must start with "from" and an entity, e.g. ["from", "nodes", ["=", "certname", "node1"]]');
        }
        const { body, total } = await this.client.query<unknown>('', { query, limit: limit + 1, includeTotal: true, signal: ctx.signal });
        const rows = Array.isArray(body) ? body : [body];
        return { rows: rows.slice(0, limit), ...(total === undefined ? {} : { total }), truncated: rows.length > limit || (total !== undefined && total > limit), source: SOURCE };
      }),
    ];
  }

  /** Nodes and groups, from the inventory cache (TTL inventoryTtlSeconds; 0: always asked). */
  private inventory(signal: AbortSignal): Promise<Inventory> {
    if (this.cfg.inventoryTtlSeconds === 0) return this.loadInventory(signal);
    // The cache coalesces concurrent loads: the load must not die with the first caller's request.
    return this.inventoryCache.get('all', () => this.loadInventory(AbortSignal.timeout(this.cfg.timeoutMs * this.cfg.attempts * 2)));
  }

  private async loadInventory(signal: AbortSignal): Promise<Inventory> {
    const [{ body }, memberships] = await Promise.all([
      this.client.query<PdbNode[]>('nodes', {
        query: this.cfg.includeInactive ? eq('node_state', 'any') : undefined, orderBy: [{ field: 'certname' }], signal,
      }),
      this.loadGroups(signal),
    ]);
    const groupsOf = new Map<string, string[]>();
    for (const [group, members] of memberships) for (const m of members) groupsOf.set(m, [...(groupsOf.get(m) ?? []), group]);
    const nodes = body.map((n) => toNode(n, [...new Set(groupsOf.get(n.certname) ?? [])].sort()));
    const known = new Set(nodes.map((n) => n.name));
    const groups = [...memberships].map(([name, members]) => ({ name, targets: [...members].filter((m) => known.has(m)).sort(), sources: [SOURCE] }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { nodes, groups };
  }

  /** Group name -> member certnames: one group per value of groupFact, plus one per configured query. */
  private async loadGroups(signal: AbortSignal): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    const add = (g: string, certname: string) => { if (!out.has(g)) out.set(g, new Set()); out.get(g)!.add(certname); };
    const tasks: Promise<void>[] = [];
    if (this.cfg.groupFact) {
      const path = this.cfg.groupFact.split('.');
      tasks.push(this.client.query<{ certname: string; value: unknown }[]>('fact-contents', { query: factPath(path), signal }).then(({ body }) => {
        for (const r of body) { const g = groupName(r.value); if (g) add(g, r.certname); }
      }));
    }
    for (const [name, q] of Object.entries(this.cfg.groups ?? {})) {
      if (!out.has(name)) out.set(name, new Set());
      let endpoint = '';
      let query: Ast | string = q;
      if (q.trimStart().startsWith('[')) {
        query = parseUserAst(q);
        if (query[0] !== 'from') endpoint = 'nodes';
      }
      tasks.push(this.client.query<{ certname?: unknown }[]>(endpoint, { query, signal }).then(({ body }) => {
        for (const r of Array.isArray(body) ? body : []) if (typeof r?.certname === 'string') add(name, r.certname);
      }, (err) => {
        throw new Errors.Upstream(`plugins.puppetdb.groups.${name}: ${(err as Error).message}`, { cause: err });
      }));
    }
    await Promise.all(tasks);
    return out;
  }

  private async reports(filter: Ast | undefined, limit = 100, cursor: string | undefined, signal: AbortSignal) {
    const offset = offsetOf(cursor);
    const { body, total } = await this.client.query<PdbReport[]>('reports', {
      query: extract(REPORT_LIST_FIELDS, filter), limit, offset, orderBy: REPORT_ORDER, includeTotal: true, signal,
    });
    return { reports: body.map((r) => toReport(r)), nextCursor: nextOffset(offset, body.length, limit, total), ...(total === undefined ? {} : { total }) };
  }

  private async events(statuses: string[] | undefined, filter: Ast | undefined, limit = 100, cursor: string | undefined, signal: AbortSignal) {
    if (statuses?.length === 0) return { events: [], nextCursor: null, total: 0 };
    const offset = offsetOf(cursor);
    const query = and(statuses ? oneOf('status', statuses) : undefined, filter);
    const { body, total } = await this.client.query<PdbEvent[]>('events', { query, limit, offset, orderBy: EVENT_ORDER, includeTotal: true, signal });
    return { events: body.map(toEvent), nextCursor: nextOffset(offset, body.length, limit, total), ...(total === undefined ? {} : { total }) };
  }

  /**
   * events.stream: the events of reports received after the cursor, oldest first. The cursor is a report
   * receive time and how many events received at exactly that time were already given, so a batch may end in
   * the middle of a report. Without a cursor the stream starts at PuppetDB's own clock (server-time).
   */
  private async follow(p: { after?: string; node?: string; types?: string[]; limit?: number }, signal: AbortSignal): Promise<{ events: EventT[]; cursor: string }> {
    if (!p.after) {
      const { body } = await this.client.get<{ server_time: string }>('/pdb/meta/v1/server-time', undefined, signal);
      return { events: [], cursor: `${new Date(Date.parse(body.server_time)).toISOString()}~0` };
    }
    const { time, skip } = streamPos(p.after);
    const statuses = eventStatuses(p.types);
    if (statuses?.length === 0) return { events: [], cursor: p.after };
    const limit = p.limit ?? 100;
    const query = and(ge('report_receive_time', time), p.node ? eq('certname', p.node) : undefined, statuses ? oneOf('status', statuses) : undefined);
    const { body } = await this.client.query<PdbEvent[]>('events', { query, limit: limit + skip, orderBy: STREAM_ORDER, signal });
    const fresh = body.slice(skip);
    if (!fresh.length) return { events: [], cursor: p.after };
    const last = new Date(Date.parse(fresh[fresh.length - 1].report_receive_time ?? time)).toISOString();
    const atLast = fresh.filter((e) => new Date(Date.parse(e.report_receive_time ?? time)).toISOString() === last).length;
    return { events: fresh.map(toEvent), cursor: `${last}~${atLast + (last === time ? skip : 0)}` };
  }
}

/** A user's AST (reports.query / events.query `query`): a bad one is the caller's 400. */
function userAst(text: string): Ast {
  try {
    return parseUserAst(text);
  } catch (err) {
    throw new Errors.CapabilityParams((err as Error).message);
  }
}

// Exported for the unit tests.
export { eventStatuses, factValues, groupName, nextOffset, offsetOf, streamPos };
