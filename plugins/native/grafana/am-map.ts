/**
 * The Alertmanager API v2 shapes Grafana serves for its own alerts (`/api/alertmanager/grafana/api/v2/...`,
 * the models of github.com/prometheus/alertmanager api/v2/openapi.yaml that Grafana vendors; Grafana Alerting
 * HTTP API docs, read 2026-11-30) and their mapping to Capstan's Alert. Kept in this plugin on purpose: the
 * alertmanager plugin maps the same API in its own files (the two may be merged later).
 *
 * Capstan's silences: alert.acknowledge creates a silence whose comment ends with CAPSTAN_MARKER and whose
 * createdBy is the caller; an alert held by such an active silence is `acknowledged`, by any other silence or
 * an inhibition `silenced`.
 */
import type { AlertSuppression } from '../../../src/capabilities/records.js';
import { nodeFromLabels, normalizeSeverity, type AlertT } from '../../../src/capabilities/alert-source.js';
import type { Static } from '@sinclair/typebox';

export const SOURCE = 'grafana';

/** Ends the comment of every silence alert.acknowledge creates: how Capstan recognises its own silences. */
export const CAPSTAN_MARKER = '[capstan:alert.acknowledge]';

/** gettableAlert. */
export interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  updatedAt?: string;
  generatorURL?: string;
  receivers?: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy?: string[] | null; inhibitedBy?: string[] | null };
}

/** One matcher of a silence. */
export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

/** gettableSilence. */
export interface AmSilence {
  id: string;
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  updatedAt?: string;
  createdBy: string;
  comment: string;
  status: { state: 'active' | 'pending' | 'expired' };
}

/** postableSilence. */
export interface AmPostableSilence {
  id?: string;
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

type Suppression = Static<typeof AlertSuppression>;

/** Whether a silence is one alert.acknowledge made. */
export function isCapstanSilence(s: AmSilence): boolean {
  return s.comment.trimEnd().endsWith(CAPSTAN_MARKER);
}

/** A Capstan silence's comment as the caller wrote it (marker removed). */
export function commentOf(s: AmSilence): string | undefined {
  const text = isCapstanSilence(s) ? s.comment.trimEnd().slice(0, -CAPSTAN_MARKER.length).trim() : s.comment.trim();
  return text || undefined;
}

/**
 * The silence alert.acknowledge posts: every label of the alert as an exact matcher (it silences this alert
 * instance and nothing else), from `now` for `durationSeconds`, created by `by`.
 */
export function ackSilence(alert: AmAlert, by: string, durationSeconds: number, comment: string | undefined, now = Date.now()): AmPostableSilence {
  return {
    matchers: Object.entries(alert.labels).map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + durationSeconds * 1000).toISOString(),
    createdBy: by,
    comment: `${comment?.trim() || 'Acknowledged'} ${CAPSTAN_MARKER}`,
  };
}

/** Where the mapping needs to know Grafana: its root URL (links), organisation and the node labels. */
export interface MapContext {
  /** Grafana root URL without a trailing slash. */
  base: string;
  orgId?: number;
  nodeLabels: readonly string[];
  /** Silences by id (all of them, expired ones too). */
  silences: ReadonlyMap<string, AmSilence>;
}

function suppressionOf(s: AmSilence | undefined, id: string): Suppression {
  if (!s) return { kind: 'silence', id };
  const comment = commentOf(s);
  return { kind: 'silence', id, by: s.createdBy, ...(comment ? { comment } : {}), until: new Date(Date.parse(s.endsAt)).toISOString() };
}

function iso(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** A label set as Alertmanager matcher text, for Grafana's alert list search (`{alertname="X"}`). */
function queryString(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** One Grafana alert instance as Capstan's Alert. */
export function toAlert(a: AmAlert, ctx: MapContext): AlertT {
  const labels = a.labels ?? {};
  const annotations = a.annotations ?? {};
  const silencedIds = a.status.silencedBy ?? [];
  const inhibitedBy = a.status.inhibitedBy ?? [];
  const silences = silencedIds.map((id) => ctx.silences.get(id));
  const ours = silences.filter((s): s is AmSilence => !!s && isCapstanSilence(s) && s.status.state === 'active')
    .sort((x, y) => Date.parse(y.endsAt) - Date.parse(x.endsAt));
  const silencedBy: Suppression[] = [
    ...silencedIds.map((id, i) => suppressionOf(silences[i], id)),
    ...inhibitedBy.map((id) => ({ kind: 'inhibition' as const, id })),
  ];
  let state: AlertT['state'] = 'firing';
  if (a.status.state === 'suppressed' && ours.length) state = 'acknowledged';
  else if (a.status.state === 'suppressed' && silencedBy.length) state = 'silenced';
  const org = ctx.orgId !== undefined ? `orgId=${ctx.orgId}&` : '';
  const links: Record<string, string> = {
    source: `${ctx.base}/alerting/groups?${org}queryString=${encodeURIComponent(queryString({ alertname: labels.alertname ?? '' }))}`,
  };
  if (a.generatorURL) links.generator = a.generatorURL;
  if (annotations.runbook_url) links.runbook = annotations.runbook_url;
  if (annotations.__dashboardUid__) {
    links.dashboard = `${ctx.base}/d/${encodeURIComponent(annotations.__dashboardUid__)}?${org}${annotations.__panelId__ ? `viewPanel=${encodeURIComponent(annotations.__panelId__)}` : ''}`.replace(/[?&]$/, '');
  }
  const node = nodeFromLabels(labels, ctx.nodeLabels);
  if (node) links.node = `/api/v1/nodes/${encodeURIComponent(node)}`;
  const since = iso(a.startsAt) ?? new Date(0).toISOString();
  const endsAt = iso(a.endsAt);
  const summary = (annotations.summary ?? annotations.description ?? annotations.message ?? labels.alertname ?? 'Grafana alert').split('\n')[0].slice(0, 4000);
  const out: AlertT = {
    id: a.fingerprint,
    source: SOURCE,
    node,
    name: labels.alertname ?? a.fingerprint,
    severity: normalizeSeverity(labels.severity ?? labels.priority),
    state,
    since,
    ...(endsAt ? { endsAt } : {}),
    summary,
    labels,
    annotations,
    links,
    receivers: (a.receivers ?? []).map((r) => r.name),
  };
  if (silencedBy.length) out.silencedBy = silencedBy;
  if (state === 'acknowledged') {
    const s = ours[0];
    const comment = commentOf(s);
    out.acknowledgement = { by: s.createdBy, at: new Date(Date.parse(s.startsAt)).toISOString(), ...(comment ? { comment } : {}), until: new Date(Date.parse(s.endsAt)).toISOString() };
  }
  return out;
}
