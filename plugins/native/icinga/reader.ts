/**
 * Reads the current problems from Icinga 2: host and service objects in a problem state that were checked at
 * least once, with the acknowledgement comments and the downtimes that explain their state, as Alerts
 * (parse.ts). Four object queries, each filtered on Icinga's side; names of one object always travel as
 * `filter_vars`.
 */
import type { AlertT } from '../../../src/capabilities/alert-source.js';
import type { IcingaClient, IcingaObject, ObjectQuery } from './client.js';
import type { IcingaConfig } from './config.js';
import {
  byObject, COMMENT_ATTRS, DOWNTIME_ATTRS, HOST_ATTRS, latestAck, objectSelector, SERVICE_ATTRS, SERVICE_JOINS, toAlert,
  type CheckableAttrs, type CommentAttrs, type DowntimeAttrs, type MapContext, type ObjectRef,
} from './parse.js';

const ACK_COMMENTS = 'comment.entry_type == 4';

export class IcingaReader {
  constructor(private readonly client: IcingaClient, private readonly cfg: IcingaConfig, private readonly now: () => number = Date.now) {}

  /** Every current problem (host DOWN/unreachable, service WARNING/CRITICAL/UNKNOWN), never-checked objects left out. */
  async all(signal?: AbortSignal): Promise<AlertT[]> {
    const [hosts, services, comments, downtimes] = await Promise.all([
      this.client.objects<CheckableAttrs>('hosts', { filter: 'host.state != 0 && host.last_check_result != null', attrs: HOST_ATTRS }, signal),
      this.client.objects<CheckableAttrs>('services', { filter: 'service.state != 0 && service.last_check_result != null', attrs: SERVICE_ATTRS, joins: SERVICE_JOINS }, signal),
      this.client.objects<CommentAttrs>('comments', { filter: ACK_COMMENTS, attrs: COMMENT_ATTRS }, signal),
      this.client.objects<DowntimeAttrs>('downtimes', { attrs: DOWNTIME_ATTRS }, signal),
    ]);
    const ctx = this.context(comments, downtimes);
    return [...hosts, ...services].map((o) => toAlert(o, ctx)).filter((a): a is AlertT => a !== null);
  }

  /** One object's problem; null when Icinga knows no such object, or it is UP/OK or never checked. */
  async one(ref: ObjectRef, signal?: AbortSignal): Promise<AlertT | null> {
    return (await this.oneWithAck(ref, signal))?.alert ?? null;
  }

  /**
   * One object's problem as `one` reads it, with the acknowledgement comment that explains its
   * acknowledgement (the newest entry_type 4 comment; undefined when not acknowledged or none is readable).
   * Null when Icinga knows no such object, or it is UP/OK or never checked.
   */
  async oneWithAck(ref: ObjectRef, signal?: AbortSignal): Promise<{ alert: AlertT; ack?: CommentAttrs } | null> {
    const sel = objectSelector(ref);
    const query: ObjectQuery = { filter: sel.filter, filter_vars: sel.filter_vars, attrs: ref.service === undefined ? HOST_ATTRS : SERVICE_ATTRS };
    const found = ref.service === undefined
      ? await this.client.objects<CheckableAttrs>('hosts', query, signal)
      : await this.client.objects<CheckableAttrs>('services', { ...query, joins: SERVICE_JOINS }, signal);
    const obj = found[0];
    if (!obj) return null;
    // Comments and downtimes only when the object says it has some.
    const belongs = { filter_vars: { capstan_host: ref.host, capstan_service: ref.service ?? '' } };
    const [comments, downtimes] = await Promise.all([
      (obj.attrs.acknowledgement ?? 0) !== 0
        ? this.client.objects<CommentAttrs>('comments', {
          ...belongs, filter: `${ACK_COMMENTS} && comment.host_name == capstan_host && comment.service_name == capstan_service`, attrs: COMMENT_ATTRS,
        }, signal)
        : [],
      (obj.attrs.downtime_depth ?? 0) > 0
        ? this.client.objects<DowntimeAttrs>('downtimes', {
          ...belongs, filter: 'downtime.host_name == capstan_host && downtime.service_name == capstan_service', attrs: DOWNTIME_ATTRS,
        }, signal)
        : [],
    ]);
    const alert = toAlert(obj, this.context(comments, downtimes));
    if (!alert) return null;
    const ack = alert.state === 'acknowledged' ? latestAck(comments.map((c) => c.attrs)) : undefined;
    return { alert, ...(ack ? { ack } : {}) };
  }

  private context(comments: IcingaObject<CommentAttrs>[], downtimes: IcingaObject<DowntimeAttrs>[]): MapContext {
    return {
      comments: byObject(comments, (c) => c.attrs),
      downtimes: byObject(downtimes, (d) => ({ name: d.name, attrs: d.attrs })),
      now: this.now(),
      webUrl: this.cfg.webUrl,
      webModule: this.cfg.webModule,
      labelVars: this.cfg.labelVars,
    };
  }
}
