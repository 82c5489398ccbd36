/**
 * Alert contracts: read alerts from a monitoring system (Alertmanager, ...), acknowledge them (a silence
 * in Alertmanager terms), resolve them, and subscribe a webhook receiver to new ones.
 */
import { Type } from '@sinclair/typebox';
import { cursorParam, dateTime, defineContract, limitParam, nextCursor, ref, stringMap } from './common.js';
import { Alert, alertSeverity, alertStatus } from './records.js';

const alertId = () => Type.String({ minLength: 1, maxLength: 255, description: 'Alert id (Alertmanager fingerprint).' });

/** The record's own documented example (records.ts), reused so the two never drift apart. */
const exampleAlert = (Alert.examples as Record<string, unknown>[])[0];

const acknowledged = {
  ...exampleAlert,
  status: 'acknowledged',
  acknowledgement: { by: 'alice', at: '2026-11-25T08:20:00Z', comment: 'cleaning up logs', until: '2026-11-25T10:20:00Z' },
};

/** Which alerts a list or a subscription covers. */
const filterProps = () => ({
  severity: Type.Optional(Type.Array(alertSeverity(), { minItems: 1, description: 'Only alerts with one of these severities.' })),
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only alerts about this node.' })),
  labels: Type.Optional(stringMap({ maxProperties: 50, description: 'Label name to exact value; all must match.' })),
});

export const AlertListParams = Type.Object({
  status: Type.Optional(Type.Array(alertStatus(), { minItems: 1, description: 'Only alerts in one of these states; default: firing and acknowledged.' })),
  ...filterProps(),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'AlertListParams',
  additionalProperties: false,
  description: 'Which alerts to list.',
  examples: [{}, { status: ['firing'], severity: ['critical', 'warning'], labels: { team: 'infra' } }],
});

export const AlertListResult = Type.Object({
  alerts: Type.Array(ref(Alert)),
  nextCursor: nextCursor(),
}, {
  $id: 'AlertListResult',
  description: 'A page of alerts, newest first.',
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
  durationSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: 2_592_000, default: 7200, description: 'How long the acknowledgement (silence) lasts.' })),
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
  description: 'The alert to mark resolved.',
  examples: [{ id: '6f1e2d3c4b5a6978', comment: 'logs rotated' }],
});

export const AlertResolveResult = Type.Object({ alert: ref(Alert) }, {
  $id: 'AlertResolveResult',
  description: 'The alert after resolution.',
  examples: [{ alert: { ...exampleAlert, status: 'resolved', endsAt: '2026-11-25T08:40:00Z' } }],
});

export const AlertSubscribeParams = Type.Object({
  receiverUrl: Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://', description: 'Webhook URL that receives alert notifications (Alertmanager webhook format).' }),
  filter: Type.Optional(Type.Object(filterProps(), { additionalProperties: false, description: 'Which alerts to send; default: all.' })),
}, {
  $id: 'AlertSubscribeParams',
  additionalProperties: false,
  description: 'Where to send new alerts, and which.',
  examples: [{ receiverUrl: 'https://chatops.example.com/hooks/alerts', filter: { severity: ['critical'] } }],
});

export const AlertSubscribeResult = Type.Object({
  subscription: Type.Object({
    id: Type.String(),
    receiverUrl: Type.String({ format: 'uri' }),
    filter: Type.Optional(Type.Object(filterProps())),
    createdAt: dateTime(),
    source: Type.String({ description: 'Plugin id that delivers the notifications.' }),
  }),
}, {
  $id: 'AlertSubscribeResult',
  description: 'The subscription created.',
  examples: [{
    subscription: {
      id: 'sub-01', receiverUrl: 'https://chatops.example.com/hooks/alerts', filter: { severity: ['critical'] },
      createdAt: '2026-11-25T09:00:00Z', source: 'alertmanager',
    },
  }],
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
  description: 'Send new alerts matching a filter to a webhook receiver.',
  params: AlertSubscribeParams,
  result: AlertSubscribeResult,
  riskLevel: 'write',
  mode: 'query',
});

export const ALERT_CONTRACTS = [alertList, alertGet, alertAcknowledge, alertResolve, alertSubscribe];
export const ALERT_SCHEMAS = [
  AlertListParams, AlertListResult, AlertGetParams, AlertGetResult, AlertAcknowledgeParams, AlertAcknowledgeResult,
  AlertResolveParams, AlertResolveResult, AlertSubscribeParams, AlertSubscribeResult,
];
