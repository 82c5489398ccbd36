/**
 * Events contracts: what happened on nodes (resource changes, restarts, agent runs). events.stream is a
 * query that returns the events after a cursor, so a client (or an SSE route) can follow them by polling.
 */
import { Type } from '@sinclair/typebox';
import { cursorParam, dateTime, defineContract, limitParam, nextCursor, ref } from './common.js';
import { Event, eventSeverity as severity } from './records.js';

const eventTypes = () => Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50, description: 'Only events of these types.' }));

/** The record's own documented example (records.ts), reused so the two never drift apart. */
const exampleEvent = (Event.examples as Record<string, unknown>[])[0];

export const EventsListParams = Type.Object({
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only events of this node.' })),
  types: eventTypes(),
  minSeverity: Type.Optional(severity()),
  since: Type.Optional(dateTime({ description: 'Only events at or after this time.' })),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'EventsListParams',
  additionalProperties: false,
  description: 'Which events to list (newest first).',
  examples: [{}, { node: 'web1.example.com', minSeverity: 'warning', limit: 50 }],
});

export const EventsListResult = Type.Object({
  events: Type.Array(ref(Event)),
  nextCursor: nextCursor(),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many match in all, when the source tells (PuppetDB: include_total).' })),
}, {
  $id: 'EventsListResult',
  description: 'A page of events, newest first.',
  examples: [{ events: [exampleEvent], nextCursor: null }],
});

export const EventsStreamParams = Type.Object({
  after: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 1024,
    description: 'Cursor returned by the previous call; omitted: start from now (only events newer than the call).',
  })),
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only events of this node.' })),
  types: eventTypes(),
  limit: limitParam('Maximum number of events in this batch.'),
}, {
  $id: 'EventsStreamParams',
  additionalProperties: false,
  description: 'Where to resume following events.',
  examples: [{}, { after: 'evt-000123', limit: 100 }],
});

export const EventsStreamResult = Type.Object({
  events: Type.Array(ref(Event), { description: 'Events after the cursor, oldest first.' }),
  cursor: Type.String({ description: 'Pass as `after` in the next call; unchanged when nothing new happened.' }),
}, {
  $id: 'EventsStreamResult',
  description: 'The next batch of events in order, and where to resume.',
  examples: [{ events: [exampleEvent], cursor: 'evt-000123' }, { events: [], cursor: 'evt-000123' }],
});

export const EventsQueryParams = Type.Object({
  nodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000, description: 'Only events of these nodes.' })),
  types: eventTypes(),
  severities: Type.Optional(Type.Array(severity(), { minItems: 1, description: 'Only events with one of these severities.' })),
  report: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only events of this report (its id, as reports.* return it).' })),
  resourceType: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only events of resources of this type (Package, Service, Exec, ...).' })),
  resourceTitle: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Only events of resources with this exact title.' })),
  since: Type.Optional(dateTime()),
  until: Type.Optional(dateTime()),
  query: Type.Optional(Type.String({
    minLength: 1,
    maxLength: 10000,
    description: "Extra filter in the provider's native query language (PuppetDB AST, PQL), combined with AND.",
  })),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'EventsQueryParams',
  additionalProperties: false,
  description: 'Criteria of events.query; all given criteria must match.',
  examples: [{ severities: ['error', 'critical'], since: '2026-11-24T00:00:00Z', until: '2026-11-25T00:00:00Z' }],
});

export const EventsQueryResult = Type.Object({
  events: Type.Array(ref(Event)),
  nextCursor: nextCursor(),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many match in all, when the source tells (PuppetDB: include_total).' })),
}, {
  $id: 'EventsQueryResult',
  description: 'A page of matching events, newest first.',
  examples: [{ events: [{ ...exampleEvent, severity: 'error', message: 'Could not start Service[nginx]' }], nextCursor: null }],
});

export const eventsList = defineContract({
  name: 'events.list',
  description: 'List recent events on nodes (resource changes, restarts, agent runs), newest first.',
  params: EventsListParams,
  result: EventsListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const eventsStream = defineContract({
  name: 'events.stream',
  description: 'Follow events: return the events after a cursor, oldest first, with the cursor to resume from.',
  params: EventsStreamParams,
  result: EventsStreamResult,
  riskLevel: 'read',
  mode: 'query',
});

export const eventsQuery = defineContract({
  name: 'events.query',
  description: 'Search events by nodes, types, severities, time range or a native query.',
  params: EventsQueryParams,
  result: EventsQueryResult,
  riskLevel: 'read',
  mode: 'query',
});

export const EVENTS_CONTRACTS = [eventsList, eventsStream, eventsQuery];
export const EVENTS_SCHEMAS = [EventsListParams, EventsListResult, EventsStreamParams, EventsStreamResult, EventsQueryParams, EventsQueryResult];
