/**
 * Alert contracts: read alerts from a monitoring system (Alertmanager, Nagios, Icinga, Grafana, Datadog) in
 * one shape (records.ts Alert), acknowledge them where they live (an Alertmanager silence, a Nagios
 * acknowledgement, ...), resolve them, follow their changes (alert.stream) and subscribe a webhook to those
 * changes (alert.subscribe: delivered by Capstan's core from every source's alert.stream).
 */
import { Type } from '@sinclair/typebox';
import { cursorParam, dateTime, defineContract, limitParam, nextCursor, ref, stringMap } from './common.js';
import { Alert, alertSeverity, alertState } from './records.js';
import { sensitive } from './sensitive.js';

const alertId = () => Type.String({ minLength: 1, maxLength: 512, description: 'Alert id within its source (records.ts Alert.id).' });

/** The record's own documented example (records.ts), reused so the two never drift apart. */
const exampleAlert = (Alert.examples as Record<string, unknown>[])[0];

const acknowledged = {
  ...exampleAlert,
  state: 'acknowledged',
  acknowledgement: { by: 'alice', at: '2026-11-25T08:20:00Z', comment: 'cleaning up logs', until: '2026-11-25T10:20:00Z' },
  silencedBy: [{ kind: 'silence', id: '2d4b1a3c-5e6f-4a7b-8c9d-0e1f2a3b4c5d', by: 'alice', comment: 'cleaning up logs', until: '2026-11-25T10:20:00Z' }],
};

/**
 * Which alerts a list, a stream or a subscription covers. `matchers` use Prometheus/Alertmanager matcher syntax
 * (`name=value`, `name!=value`, `name=~regex`, `name!~regex`; regexes anchored, RE2-like JavaScript syntax).
 */
const filterProps = () => ({
  state: Type.Optional(Type.Array(alertState(), { minItems: 1, maxItems: 4, description: 'Only alerts in one of these states; default: every state but resolved.' })),
  severity: Type.Optional(Type.Array(alertSeverity(), { minItems: 1, maxItems: 4, description: 'Only alerts with one of these severities.' })),
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only alerts about this node.' })),
  nodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, maxItems: 100, description: 'Only alerts about one of these nodes (a node\'s name and aliases); with `node`, either matches.' })),
  labels: Type.Optional(stringMap({ maxProperties: 50, description: 'Label name to exact value; all must match.' })),
  matchers: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: 1024, pattern: '^[A-Za-z_][A-Za-z0-9_]*\\s*(=|!=|=~|!~)' }), {
    minItems: 1, maxItems: 50, description: 'Label matchers, all must match: `name=value`, `name!=value`, `name=~regex`, `name!~regex` (regexes anchored, as in Alertmanager).',
  })),
  receiver: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only alerts routed to a receiver matching this regex (anchored; Alertmanager). Sources without receivers answer none.' })),
  inhibited: Type.Optional(Type.Boolean({ description: 'false: leave out alerts silenced only by an inhibition (default true).' })),
});

/** The filter schema on its own (subscriptions, stream querystrings). */
export const AlertFilter = Type.Object(filterProps(), {
  $id: 'AlertFilter',
  additionalProperties: false,
  description: 'Which alerts are covered; every given condition must hold.',
  examples: [{ severity: ['critical'] }, { state: ['firing'], matchers: ['team=~"infra|db"'], node: 'web1.example.com' }],
});

export const AlertListParams = Type.Object({
  ...filterProps(),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'AlertListParams',
  additionalProperties: false,
  description: 'Which alerts to list, newest first (`since`).',
  examples: [{}, { state: ['firing'], severity: ['critical', 'warning'], labels: { team: 'infra' } }],
});

export const AlertListResult = Type.Object({
  alerts: Type.Array(ref(Alert)),
  nextCursor: nextCursor(),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many alerts match in all, when the source knows.' })),
}, {
  $id: 'AlertListResult',
  description: 'A page of alerts, newest first (`since`, then id).',
  examples: [{ alerts: [exampleAlert], nextCursor: null }],
});

export const AlertGetParams = Type.Object({ id: alertId() }, {
  $id: 'AlertGetParams',
  additionalProperties: false,
  description: 'Which alert to return.',
  examples: [{ id: '6f1e2d3c4b5a6978' }],
});

export const AlertGetResult = Type.Object({
  alert: Type.Union([ref(Alert), Type.Null()], { description: 'The alert, or null when this source does not know it.' }),
}, {
  $id: 'AlertGetResult',
  description: 'One alert.',
  examples: [{ alert: exampleAlert }, { alert: null }],
});

export const AlertAcknowledgeParams = Type.Object({
  id: alertId(),
  comment: Type.Optional(Type.String({ maxLength: 1024, description: 'Why, shown with the acknowledgement.' })),
  durationSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 2_592_000, default: 7200, description: 'How long the acknowledgement lasts (s): an Alertmanager/Grafana silence\'s length, a Nagios/Icinga acknowledgement\'s expiry, a Datadog mute\'s end.' })),
  downtime: Type.Optional(Type.Boolean({ description: 'Also schedule a downtime of that length where the source has downtimes (Nagios, Icinga, Datadog); default false.' })),
}, {
  $id: 'AlertAcknowledgeParams',
  additionalProperties: false,
  description: 'The alert to acknowledge; the caller is recorded as `acknowledgement.by`.',
  examples: [{ id: '6f1e2d3c4b5a6978', comment: 'cleaning up logs', durationSeconds: 7200 }],
});

export const AlertAcknowledgeResult = Type.Object({ alert: ref(Alert) }, {
  $id: 'AlertAcknowledgeResult',
  description: 'The alert after acknowledgement.',
  examples: [{ alert: acknowledged }],
});

export const AlertResolveParams = Type.Object({
  id: alertId(),
  comment: Type.Optional(Type.String({ maxLength: 1024, description: 'How it was resolved.' })),
}, {
  $id: 'AlertResolveParams',
  additionalProperties: false,
  description: 'The alert to resolve: Capstan\'s acknowledgement is taken back (the Alertmanager silence expired, the Nagios/Icinga acknowledgement removed, the Datadog mute lifted), or, where the source allows it (Alertmanager with `postResolved`), the alert itself is ended.',
  examples: [{ id: '6f1e2d3c4b5a6978', comment: 'logs rotated' }],
});

export const AlertResolveResult = Type.Object({ alert: ref(Alert) }, {
  $id: 'AlertResolveResult',
  description: 'The alert after resolution, as its source now tells it (firing again when only the acknowledgement was taken back and the problem is still on).',
  examples: [{ alert: { ...exampleAlert, state: 'firing' } }, { alert: { ...exampleAlert, state: 'resolved', endsAt: '2026-11-25T08:40:00Z' } }],
});

export const AlertSubscribeParams = Type.Object({
  receiverUrl: Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://[^/?#@\\s]+(?:[/?#]|$)', description: 'Webhook URL that receives alert changes (POST, JSON `{ subscription, changes: AlertChange[] }`): http or https with a host, no user:password part (use `secret` to authenticate deliveries).' }),
  filter: Type.Optional(ref(AlertFilter)),
  secret: Type.Optional(Type.String({ ...sensitive(), minLength: 16, maxLength: 256, description: 'When set, each delivery carries `X-Capstan-Signature: sha256=<hex HMAC-SHA256 of the body>`; never returned.' })),
}, {
  $id: 'AlertSubscribeParams',
  additionalProperties: false,
  description: 'Where to send alert changes, and which.',
  examples: [{ receiverUrl: 'https://chatops.example.com/hooks/alerts', filter: { severity: ['critical'] } }],
});

export const AlertSubscription = Type.Object({
  id: Type.String(),
  receiverUrl: Type.String({ format: 'uri' }),
  filter: Type.Optional(ref(AlertFilter)),
  signed: Type.Boolean({ description: 'Whether deliveries carry X-Capstan-Signature.' }),
  createdAt: dateTime(),
  createdBy: Type.String({ description: 'The token (principal) that created it.' }),
  source: Type.String({ description: 'Who delivers the notifications: `capstan` (the core, for changes of every alert source).' }),
  delivery: Type.Object({
    lastAttemptAt: Type.Union([dateTime(), Type.Null()]),
    lastStatus: Type.Union([Type.String({ description: '`ok`, or the HTTP status / error of the last failed attempt.' }), Type.Null()]),
    delivered: Type.Integer({ minimum: 0, description: 'Changes delivered so far.' }),
    failures: Type.Integer({ minimum: 0, description: 'Consecutive failed attempts.' }),
    pending: Type.Integer({ minimum: 0, description: 'Deliveries waiting (the oldest is being retried).' }),
  }),
}, {
  $id: 'AlertSubscription',
  additionalProperties: false,
  description: 'A webhook that receives alert changes.',
  examples: [{
    id: '7', receiverUrl: 'https://chatops.example.com/hooks/alerts', filter: { severity: ['critical'] }, signed: false,
    createdAt: '2026-11-25T09:00:00Z', createdBy: 'ci-deploy', source: 'capstan',
    delivery: { lastAttemptAt: null, lastStatus: null, delivered: 0, failures: 0, pending: 0 },
  }],
});

export const AlertSubscribeResult = Type.Object({ subscription: ref(AlertSubscription) }, {
  $id: 'AlertSubscribeResult',
  description: 'The subscription created.',
  examples: [{ subscription: (AlertSubscription.examples as unknown[])[0] }],
});

/** One change of an alert as a source saw it between two looks. */
export const AlertChange = Type.Object({
  id: Type.String({ description: 'Unique within its source\'s change feed; ordered.' }),
  at: dateTime({ description: 'When the change was seen.' }),
  from: Type.Union([alertState(), Type.Null()], { description: 'The previous state; null for an alert seen for the first time.' }),
  to: alertState(),
  alert: ref(Alert),
}, {
  $id: 'AlertChange',
  additionalProperties: false,
  description: 'An alert that appeared, changed state or ended.',
  examples: [{ id: '1791.42', at: '2026-11-25T08:12:04Z', from: null, to: 'firing', alert: exampleAlert }],
});

export const AlertStreamParams = Type.Object({
  ...filterProps(),
  after: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Cursor of the previous call; omitted: start from now.' })),
  limit: limitParam('Maximum number of changes in this batch.'),
}, {
  $id: 'AlertStreamParams',
  additionalProperties: false,
  description: 'Where to resume following alert changes, and which alerts.',
  examples: [{}, { after: '1791.42', severity: ['critical'] }],
});

export const AlertStreamResult = Type.Object({
  changes: Type.Array(ref(AlertChange), { description: 'Changes after the cursor, oldest first.' }),
  cursor: Type.String({ description: 'Pass as `after` in the next call; unchanged when nothing changed.' }),
}, {
  $id: 'AlertStreamResult',
  description: 'The next alert changes in order, and where to resume.',
  examples: [{ changes: [(AlertChange.examples as unknown[])[0]], cursor: '1791.42' }, { changes: [], cursor: '1791.42' }],
});

export const alertList = defineContract({
  name: 'alert.list',
  description: 'List alerts by state, severity, node or labels.',
  params: AlertListParams,
  result: AlertListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const alertGet = defineContract({
  name: 'alert.get',
  description: 'Get one alert with its labels, annotations and acknowledgement.',
  params: AlertGetParams,
  result: AlertGetResult,
  riskLevel: 'read',
  mode: 'query',
});

export const alertAcknowledge = defineContract({
  name: 'alert.acknowledge',
  description: 'Acknowledge an alert for a while (a silence in Alertmanager), recording who and why.',
  params: AlertAcknowledgeParams,
  result: AlertAcknowledgeResult,
  riskLevel: 'write',
  mode: 'query',
});

export const alertResolve = defineContract({
  name: 'alert.resolve',
  description: 'Mark an alert resolved in the monitoring system.',
  params: AlertResolveParams,
  result: AlertResolveResult,
  riskLevel: 'write',
  mode: 'query',
});

export const alertSubscribe = defineContract({
  name: 'alert.subscribe',
  description: 'Send changes of alerts matching a filter (from every source) to a webhook receiver.',
  params: AlertSubscribeParams,
  result: AlertSubscribeResult,
  riskLevel: 'write',
  mode: 'query',
});

export const alertStream = defineContract({
  name: 'alert.stream',
  description: 'Follow alert changes: the changes after a cursor, oldest first, with the cursor to resume from.',
  params: AlertStreamParams,
  result: AlertStreamResult,
  riskLevel: 'read',
  mode: 'query',
});

export const ALERT_CONTRACTS = [alertList, alertGet, alertAcknowledge, alertResolve, alertSubscribe, alertStream];
export const ALERT_SCHEMAS = [
  AlertListParams, AlertListResult, AlertGetParams, AlertGetResult, AlertAcknowledgeParams, AlertAcknowledgeResult,
  AlertResolveParams, AlertResolveResult, AlertFilter, AlertSubscribeParams, AlertSubscription, AlertSubscribeResult, AlertChange,
  AlertStreamParams, AlertStreamResult,
];
