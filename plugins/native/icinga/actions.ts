/**
 * alert.acknowledge and alert.resolve as Icinga 2 actions (https://icinga.com/docs/icinga-2/latest/doc/12-icinga2-api/#actions):
 * `acknowledge-problem` (author, comment, expiry in epoch seconds, not sticky, no notification), optionally
 * `schedule-downtime` (fixed, same window), and `remove-acknowledgement`. Each action names exactly one object
 * by a constant filter plus `filter_vars` (parse.ts objectSelector). Answers recorded in test/fixtures/action-*.
 */
import type { AlertT } from '../../../src/capabilities/alert-source.js';
import { Errors } from '../../../src/core/errors.js';
import type { ActionResult, IcingaClient } from './client.js';
import { markAckComment, objectSelector, parseAlertId, readAckComment, type ObjectRef } from './parse.js';
import type { IcingaReader } from './reader.js';

export interface AcknowledgeRequest {
  id: string;
  /** Who acknowledges: the caller's principal id. */
  author: string;
  comment?: string;
  /** How long the acknowledgement (and the downtime) lasts, seconds. */
  durationSeconds: number;
  downtime: boolean;
}

/**
 * The object an alert id names, its current problem, and when acknowledged whether Capstan made that
 * acknowledgement (its comment carries CAPSTAN_ACK_MARK, parse.ts readAckComment) and who did.
 * RecordNotFound when it is no current problem here.
 */
async function current(reader: IcingaReader, id: string, signal?: AbortSignal): Promise<{ ref: ObjectRef; alert: AlertT; ack?: { capstan: boolean; by: string; text?: string } }> {
  const ref = parseAlertId(id);
  const found = ref ? await reader.oneWithAck(ref, signal) : null;
  if (!ref || !found) throw new Errors.RecordNotFound(`Icinga has no current problem '${id}' (no such host or service, or it is UP/OK).`, { extra: { id } });
  const { alert } = found;
  if (alert.state !== 'acknowledged') return { ref, alert };
  const by = found.ack?.author || alert.acknowledgement?.by || 'unknown';
  return { ref, alert, ack: { capstan: readAckComment(found.ack?.text).capstan, by, ...(found.ack?.text ? { text: found.ack.text } : {}) } };
}

/** The 409 when the acknowledgement is a person's: who made it, and that nothing changed. */
function acknowledgedByOther(id: string, what: string, ack: { by: string; text?: string }): Error {
  return new Errors.AlertAcknowledgedByOther(
    `Icinga problem '${id}' is acknowledged by ${ack.by} outside Capstan${ack.text ? ` ('${ack.text.slice(0, 200)}')` : ''}: ${what}; nothing was changed.`,
    { extra: { id, acknowledgedBy: ack.by } },
  );
}

/** Throws unless every per-object result is a success; an empty list means the filter matched nothing. */
function expectDone(action: string, id: string, results: ActionResult[]): ActionResult[] {
  if (!results.length) throw new Errors.RecordNotFound(`Icinga ${action}: no object '${id}'.`, { extra: { id } });
  const failed = results.find((r) => r.code !== 200);
  if (failed) throw new Errors.Upstream(`Icinga ${action} for '${id}' refused (code ${failed.code}): ${String(failed.status).slice(0, 300)}`);
  return results;
}

/**
 * Acknowledges the problem in Icinga (the comment marked CAPSTAN_ACK_MARK), and with `downtime` schedules a
 * fixed downtime for the same window. Icinga holds one acknowledgement per object and refuses a second one
 * (409): Capstan's own earlier acknowledgement is replaced (removed, then set anew); a person's is left alone
 * and the call refused BEFORE anything changes. Answers the alert re-read.
 * @throws Errors.AlertAcknowledgedByOther (409) when a person (not Capstan) acknowledged it already
 * @throws Errors.RecordNotFound when the id names no current problem; Errors.Upstream / Errors.Auth from Icinga
 */
export async function acknowledge(client: IcingaClient, reader: IcingaReader, req: AcknowledgeRequest, signal?: AbortSignal): Promise<AlertT> {
  const { ref, alert, ack } = await current(reader, req.id, signal);
  if (ack && !ack.capstan) throw acknowledgedByOther(req.id, 'Capstan replaces only its own acknowledgements', ack);
  const sel = objectSelector(ref);
  const now = Math.floor(Date.now() / 1000);
  const end = now + req.durationSeconds;
  const comment = markAckComment(req.comment?.trim() || `Acknowledged through Capstan by ${req.author}`);
  if (ack) expectDone('remove-acknowledgement', req.id, await client.action('remove-acknowledgement', { ...sel }, signal));
  expectDone('acknowledge-problem', req.id, await client.action('acknowledge-problem', {
    ...sel, author: req.author, comment, expiry: end, sticky: false, notify: false,
  }, signal));
  if (req.downtime) {
    expectDone('schedule-downtime', req.id, await client.action('schedule-downtime', {
      ...sel, author: req.author, comment, start_time: now, end_time: end, fixed: true,
    }, signal));
  }
  return (await reader.one(ref, signal)) ?? { ...alert, state: 'resolved', endsAt: new Date().toISOString() };
}

/**
 * Takes Capstan's acknowledgement back (remove-acknowledgement; downtimes stay until they end). Answers the
 * alert re-read: firing again while the problem lasts, `resolved` when the object recovered meanwhile; the
 * alert as it is when it holds no acknowledgement.
 * @throws Errors.AlertAcknowledgedByOther (409), nothing changed, when the acknowledgement is a person's
 * @throws Errors.RecordNotFound when the id names no current problem; Errors.Upstream / Errors.Auth from Icinga
 */
export async function resolve(client: IcingaClient, reader: IcingaReader, id: string, signal?: AbortSignal): Promise<AlertT> {
  const { ref, alert, ack } = await current(reader, id, signal);
  if (ack && !ack.capstan) throw acknowledgedByOther(id, 'alert.resolve takes back only Capstan\'s acknowledgements', ack);
  if (!ack) return alert;
  expectDone('remove-acknowledgement', id, await client.action('remove-acknowledgement', { ...objectSelector(ref) }, signal));
  return (await reader.one(ref, signal)) ?? { ...alert, state: 'resolved', endsAt: new Date().toISOString() };
}
