/**
 * alert.acknowledge and alert.resolve as Icinga 2 actions (https://icinga.com/docs/icinga-2/latest/doc/12-icinga2-api/#actions):
 * `acknowledge-problem` (author, comment, expiry in epoch seconds, not sticky, no notification), optionally
 * `schedule-downtime` (fixed, same window), and `remove-acknowledgement`. Each action names exactly one object
 * by a constant filter plus `filter_vars` (parse.ts objectSelector). Answers recorded in test/fixtures/action-*.
 */
import type { AlertT } from '../../../src/capabilities/alert-source.js';
import { Errors } from '../../../src/core/errors.js';
import type { ActionResult, IcingaClient } from './client.js';
import { objectSelector, parseAlertId, type ObjectRef } from './parse.js';
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

/** The object an alert id names, and its current problem; RecordNotFound when it is no current problem here. */
async function current(reader: IcingaReader, id: string, signal?: AbortSignal): Promise<{ ref: ObjectRef; alert: AlertT }> {
  const ref = parseAlertId(id);
  const alert = ref ? await reader.one(ref, signal) : null;
  if (!ref || !alert) throw new Errors.RecordNotFound(`Icinga has no current problem '${id}' (no such host or service, or it is UP/OK).`, { extra: { id } });
  return { ref, alert };
}

/** Throws unless every per-object result is a success; an empty list means the filter matched nothing. */
function expectDone(action: string, id: string, results: ActionResult[]): ActionResult[] {
  if (!results.length) throw new Errors.RecordNotFound(`Icinga ${action}: no object '${id}'.`, { extra: { id } });
  const failed = results.find((r) => r.code !== 200);
  if (failed) throw new Errors.Upstream(`Icinga ${action} for '${id}' refused (code ${failed.code}): ${String(failed.status).slice(0, 300)}`);
  return results;
}

/**
 * Acknowledges the problem in Icinga, replacing an acknowledgement already there (Icinga refuses a second one
 * with 409), and with `downtime` schedules a fixed downtime for the same window. Answers the alert re-read.
 * @throws Errors.RecordNotFound when the id names no current problem; Errors.Upstream / Errors.Auth from Icinga
 */
export async function acknowledge(client: IcingaClient, reader: IcingaReader, req: AcknowledgeRequest, signal?: AbortSignal): Promise<AlertT> {
  const { ref, alert } = await current(reader, req.id, signal);
  const sel = objectSelector(ref);
  const now = Math.floor(Date.now() / 1000);
  const end = now + req.durationSeconds;
  const comment = req.comment?.trim() || `Acknowledged through Capstan by ${req.author}`;
  if (alert.acknowledgement) expectDone('remove-acknowledgement', req.id, await client.action('remove-acknowledgement', { ...sel }, signal));
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
 * Takes the acknowledgement back (remove-acknowledgement; downtimes stay until they end). Answers the alert
 * re-read: firing again while the problem lasts, `resolved` when the object recovered meanwhile.
 * @throws Errors.RecordNotFound when the id names no current problem; Errors.Upstream / Errors.Auth from Icinga
 */
export async function resolve(client: IcingaClient, reader: IcingaReader, id: string, signal?: AbortSignal): Promise<AlertT> {
  const { ref, alert } = await current(reader, id, signal);
  expectDone('remove-acknowledgement', id, await client.action('remove-acknowledgement', { ...objectSelector(ref) }, signal));
  return (await reader.one(ref, signal)) ?? { ...alert, state: 'resolved', endsAt: new Date().toISOString() };
}
