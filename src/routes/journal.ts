/**
 * The node journal: one timeline per node, group or the whole fleet, merged newest first from every
 * journal.list source (`capstan`: entries Capstan stores itself; plugins: live sources such as PuppetDB's
 * reports) with one composite cursor and per-source status; a live SSE stream of new entries (journal.stream
 * of every source); and people's notes.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ref } from '../capabilities/common.js';
import { JournalEntry, JournalListParams, JournalNoteParams, JournalStreamParams, type JournalListResult, type JournalStreamResult } from '../capabilities/journal.js';
import { CapstanError, Errors, fieldError } from '../core/errors.js';
import { SYSTEM_PRINCIPAL } from '../core/permissions.js';
import { sseResponse } from '../execution/sse.js';
import { STORED_SOURCE } from '../journal/stored-source.js';
import { problems, requestContext } from './common.js';
import { lastEventIdHeader, startFollowing, STREAM_POLL_MS, type FollowedRecords } from './follow-sources.js';
import { aggregatePage, encodeState } from './record-common.js';
import { JournalPage } from './schemas.js';
import { streamUnauthorized, ticketParam } from './stream-tickets.js';

type Entry = Static<typeof JournalEntry>;

const names = (description: string) => Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 100, description }));
const { nodes: _nodes, kinds, cursor: _cursor, ...listRest } = JournalListParams.properties;

/** The timeline filters of both journal routes (the node route has its node in the path). */
const timelineFilters = {
  kind: kinds,
  source: names(`Only entries of these sources (\`${STORED_SOURCE}\`: stored by Capstan; plugin ids: live sources).`),
  ...listRest,
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 8192, description: 'Opaque `nextCursor` of the previous page (it keeps the filters\' sources).' })),
};

const JournalQuerystring = Type.Object({
  node: names('Only entries of these nodes (repeat the parameter).'),
  group: names('Only entries of the members of these groups (with their child groups).'),
  ...timelineFilters,
}, { additionalProperties: false });

const NodeJournalQuerystring = Type.Object(timelineFilters, { additionalProperties: false });

const JournalStreamQuerystring = Type.Object({
  node: names('Only entries of these nodes.'),
  group: names('Only entries of the members of these groups.'),
  kind: kinds,
  after: JournalStreamParams.properties.after,
  limit: JournalStreamParams.properties.limit,
  follow: Type.Optional(Type.Boolean({ default: true, description: 'false: send what every source has after the cursor, then `event: caught_up` (its id is the cursor), and end.' })),
  ticket: ticketParam(),
}, { additionalProperties: false });

const JOURNAL: FollowedRecords<Entry> = {
  capability: 'journal.stream', eventName: 'entry', countName: 'entries', time: (e) => e.at,
  read: (v) => { const r = v as Static<typeof JournalStreamResult>; return { items: r.entries, cursor: r.cursor }; },
};

const LastEventId = lastEventIdHeader('entry');

/**
 * The node names a journal request is about: its nodes and the members of its groups; undefined: every node.
 * A node neither the inventory nor the stored journal knows is a 404, as is an unknown group.
 */
async function journalNodes(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, nodes?: string[], groups?: string[]): Promise<string[] | undefined> {
  if (!nodes && !groups) return undefined;
  const ctx = { ...requestContext(request, reply), principal: SYSTEM_PRINCIPAL };
  const out = new Set<string>();
  for (const name of nodes ?? []) {
    try {
      out.add((await app.inventory.node(name, ctx)).node.name);
    } catch (err) {
      // A node removed from the inventory keeps its journal.
      if (!(err instanceof CapstanError) || err.statusCode !== 404 || !app.store.journal.list({ nodes: [name] }, 1).length) throw err;
      out.add(name);
    }
  }
  if (groups) {
    const { view } = await app.inventory.groupView(ctx);
    const unknown = groups.filter((g) => !view.get(g));
    if (unknown.length) throw new Errors.NodeNotFound(`No inventory source knows a group named ${unknown.map((g) => `'${g}'`).join(', ')}.`, { extra: { groups: unknown } });
    for (const n of await app.inventory.resolveTargets(groups, ctx)) out.add(n.name);
  }
  if (out.size > 1000) {
    throw new Errors.Validation(`The journal of ${out.size} nodes at once is more than 1000; ask for fewer nodes or groups, or for every node.`, { extra: { errors: [fieldError('query', '/group', 'more than 1000 nodes')] } });
  }
  return [...out];
}

/** The first page's composite cursor when only some sources are asked (the next pages carry it on). */
function sourcesCursor(app: FastifyInstance, sources?: string[]): string | undefined {
  if (!sources) return undefined;
  const known = app.registry.providers('journal.list').map((p) => p.plugin);
  const unknown = sources.filter((s) => !known.includes(s));
  if (unknown.length) {
    throw new Errors.Validation(`No journal source is named ${unknown.join(', ')} (sources: ${known.join(', ')}).`, { extra: { errors: unknown.map((u) => fieldError('query', '/source', `unknown source '${u}'`)) } });
  }
  return encodeState(Object.fromEntries(sources.map((s) => [s, { n: 0 }])));
}

type TimelineQuery = Static<typeof NodeJournalQuerystring>;

/** One merged page of the timeline of `nodes` (undefined: every node). */
async function timeline(app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, nodes: string[] | undefined, q: TimelineQuery) {
  const { kind, source, cursor, ...rest } = q;
  const params: Record<string, unknown> = { ...rest, ...(nodes ? { nodes } : {}), ...(kind ? { kinds: kind } : {}) };
  const page = await aggregatePage<Entry>(app, requestContext(request, reply), {
    capability: 'journal.list', params, cursor: cursor ?? sourcesCursor(app, source),
    read: (v) => { const r = v as Static<typeof JournalListResult>; return { items: r.entries, next: r.nextCursor }; },
    time: (e) => e.at,
  });
  return { items: page.items, nextCursor: page.nextCursor, sources: page.sources };
}

const TIMELINE = 'Merged newest first from every journal source (`capstan`: runs, fact changes and notes Capstan stores; plugins: live sources such as PuppetDB reports), '
  + 'one composite cursor exact across sources; `sources` tells how each answered (a failing source never fails the page; its entries come on a later page).';

export default async function journalRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get('/api/v1/journal', {
    schema: {
      operationId: 'listJournal', tags: ['nodes'], summary: 'The journal of nodes, groups or every node: one timeline, newest first',
      description: `${TIMELINE} With no node and no group: every node. 404 for an unknown node or group.`,
      querystring: JournalQuerystring,
      response: { 200: ref(JournalPage), ...problems(400, 404) },
    },
  }, async (request, reply) => {
    const { node, group, ...q } = request.query;
    return timeline(app, request, reply, await journalNodes(app, request, reply, node, group), q);
  });

  app.get('/api/v1/nodes/:id/journal', {
    schema: {
      operationId: 'getNodeJournal', tags: ['nodes'], summary: 'What happened to a node, newest first: runs, reports, fact changes, notes',
      description: `${TIMELINE} 404 for a node that neither the inventory nor the journal knows (a node removed from the inventory keeps its journal).`,
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) }),
      querystring: NodeJournalQuerystring,
      response: { 200: ref(JournalPage), ...problems(400, 404) },
    },
  }, async (request, reply) => timeline(app, request, reply, await journalNodes(app, request, reply, [request.params.id]), request.query));

  app.post('/api/v1/nodes/:id/journal/notes', {
    schema: {
      operationId: 'addJournalNote', tags: ['nodes'], summary: 'Add a note to a node\'s journal (journal.note); its author is the caller',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) }),
      body: Type.Object({ text: JournalNoteParams.properties.text }, {
        additionalProperties: false, examples: [{ text: 'Replaced the failing disk (ticket OPS-1234).' }],
      }),
      response: { 201: ref(JournalEntry), ...problems(400, 404, 415) },
    },
  }, async (request, reply) => {
    const { value } = await app.registry.invoke('journal.note', { node: request.params.id, text: request.body.text }, requestContext(request, reply), {
      provider: STORED_SOURCE, timeoutMs: app.config.capabilityTimeoutMs, paramsAt: { in: 'body', base: '' },
    });
    return reply.code(201).send(value as Entry);
  });

  app.get('/api/v1/journal/stream', {
    schema: {
      operationId: 'streamJournal', tags: ['nodes'],
      summary: 'Server-sent events: new journal entries of chosen nodes or groups as they happen, resumable with Last-Event-ID',
      description: `Polls every journal.stream source from its own cursor (every ${STREAM_POLL_MS} ms) and pushes each new entry, oldest first, as \`event: entry\` whose \`id:\` `
        + 'is the stream cursor; reconnect with Last-Event-ID (or ?after=) to get only newer entries. Without a cursor the stream starts from now. With ?follow=false it ends '
        + 'after an `event: caught_up` frame carrying the cursor. `event: source_status` reports a source failing or recovering; `: heartbeat` comments keep the connection '
        + 'alive. 404 for an unknown node or group (before the stream starts).',
      querystring: JournalStreamQuerystring,
      headers: LastEventId,
      response: { 200: sseResponse(ref(JournalEntry)), ...problems(400, 404, 503), ...streamUnauthorized() },
    },
  }, async (request, reply) => {
    const { after, follow = true, ticket: _credential, node, group, kind, ...rest } = request.query;
    const nodes = await journalNodes(app, request, reply, node, group);
    const base: Record<string, unknown> = { ...rest, ...(nodes ? { nodes } : {}), ...(kind ? { kinds: kind } : {}) };
    return startFollowing(app, request, reply, JOURNAL, { base, after, follow });
  });
}
