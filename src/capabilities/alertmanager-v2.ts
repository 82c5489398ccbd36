/**
 * The Alertmanager API v2 as Capstan's one Alert shape, shared by every source that serves that API: Prometheus
 * Alertmanager itself (plugins/native/alertmanager, `/api/v2`) and Grafana Alerting's own Alertmanager
 * (plugins/native/grafana, `/api/alertmanager/grafana/api/v2`). Wire formats: `gettableAlert`, `gettableSilence`
 * and `postableSilence` of api/v2/openapi.yaml (github.com/prometheus/alertmanager), as recorded from
 * Alertmanager 0.25 in shared/reference/alertmanager-outputs (alerts.json, alerts-silenced.json,
 * silences-list.json) and as Grafana vendors them (Grafana Alerting HTTP API docs, read 2026-11-30).
 *
 * Acknowledgements are silences Capstan made (alert.acknowledge). Alertmanager silences carry no labels or
 * annotations of their own and their matchers belong to the alerts they silence; the comment is the one free
 * field every Alertmanager version (and Grafana) keeps, shows in its UI and returns verbatim. So Capstan's
 * silences end their comment with CAPSTAN_MARKER (`[capstan:alert.acknowledge]`: it names the operation, so a
 * silence Capstan makes for another purpose later is not taken for an acknowledgement). Silences made by
 * earlier builds of the alertmanager plugin started their comment with LEGACY_PREFIX (`[capstan]`) instead;
 * both forms are recognised when reading.
 */
import type { Static } from '@sinclair/typebox';
import { nodeFromLabels, normalizeSeverity, type AlertT } from './alert-source.js';
import type { AlertSuppression } from './records.js';

/** One alert of GET .../api/v2/alerts (`gettableAlert`). */
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

/** One silence matcher; `isEqual` is absent before Alertmanager 0.22 (then true). */
export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

/** One silence of GET .../api/v2/silences (`gettableSilence`). */
export interface AmSilence {
  id: string;
  status: { state: 'active' | 'pending' | 'expired' };
  createdBy: string;
  comment: string;
  startsAt: string;
  endsAt: string;
  updatedAt?: string;
  matchers: AmMatcher[];
}

/** The body of POST .../api/v2/silences (`postableSilence`); with `id`, that silence is updated in place. */
export interface AmPostableSilence {
  id?: string;
  matchers: AmMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** Ends the comment of every silence alert.acknowledge creates: how Capstan recognises its own silences. */
export const CAPSTAN_MARKER = '[capstan:alert.acknowledge]';
/** What the comment of Capstan's silences started with before CAPSTAN_MARKER (still recognised when reading). */
export const LEGACY_PREFIX = '[capstan]';
/** The acknowledgement comment when the caller gives none. */
export const DEFAULT_ACK_COMMENT = 'acknowledged via Capstan';
/** Summaries are cut to the Alert record's limit (characters). */
const SUMMARY_MAX = 4000;

type Suppression = Static<typeof AlertSuppression>;

/**
 * True for a silence alert.acknowledge made: its comment ends with CAPSTAN_MARKER or (earlier builds) starts
 * with LEGACY_PREFIX, spaces around either ignored.
 */
export function isCapstanSilence(s: Pick<AmSilence, 'comment'>): boolean {
  const c = (s.comment ?? '').trim();
  return c.endsWith(CAPSTAN_MARKER) || c.startsWith(LEGACY_PREFIX);
}

/** The comment as people wrote it: without Capstan's marker (either form), trimmed when it had one. */
export function plainComment(s: Pick<AmSilence, 'comment'>): string {
  const c = (s.comment ?? '').trim();
  if (c.endsWith(CAPSTAN_MARKER)) return c.slice(0, -CAPSTAN_MARKER.length).trim();
  if (c.startsWith(LEGACY_PREFIX)) return c.slice(LEGACY_PREFIX.length).trim();
  return s.comment ?? '';
}

/** One equality matcher per label, by label name (a silence of exactly these labels). */
export function matchersFromLabels(labels: Record<string, string>): AmMatcher[] {
  return Object.keys(labels).sort().map((name) => ({ name, value: labels[name], isRegex: false, isEqual: true }));
}

/**
 * The body of POST .../api/v2/silences acknowledging an alert with these labels: one equality matcher per label
 * (so it silences this alert, and any alert carrying the same labels plus others), from `now` (ms) for
 * `durationSeconds`, created by `by`, the comment being the caller's (default DEFAULT_ACK_COMMENT) followed by
 * CAPSTAN_MARKER.
 */
export function ackSilence(labels: Record<string, string>, by: string, comment: string | undefined, durationSeconds: number, now = Date.now()): AmPostableSilence {
  return {
    matchers: matchersFromLabels(labels),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + durationSeconds * 1000).toISOString(),
    createdBy: by,
    comment: `${comment?.trim() || DEFAULT_ACK_COMMENT} ${CAPSTAN_MARKER}`,
  };
}

/**
 * True when a silence's matchers are exactly one equality matcher per label of `labels` (Capstan's silence of
 * that alert): no label missing, none repeated, no other name, no regex or negative matcher.
 */
export function silencesExactly(s: Pick<AmSilence, 'matchers'>, labels: Record<string, string>): boolean {
  const names = Object.keys(labels);
  const seen = new Set(s.matchers.map((m) => m.name));
  return s.matchers.length === names.length && seen.size === names.length
    && s.matchers.every((m) => !m.isRegex && m.isEqual !== false && Object.hasOwn(labels, m.name) && labels[m.name] === m.value);
}

/**
 * Capstan's acknowledgement silences OF THIS ALERT among those holding it: made by alert.acknowledge
 * (isCapstanSilence), not expired, and matching exactly the alert's labels (silencesExactly), newest first.
 * A broader Capstan silence (made for another alert whose labels are a subset of these) also holds this
 * alert but is that other alert's acknowledgement: acknowledge must not reuse it, resolve must not expire it,
 * and it shows this alert as `silenced`, not `acknowledged`.
 * @param silences the silences by id (GET .../api/v2/silences)
 */
export function ackSilencesOf(a: Pick<AmAlert, 'labels' | 'status'>, silences: ReadonlyMap<string, AmSilence>): AmSilence[] {
  return (a.status?.silencedBy ?? []).map((id) => silences.get(id))
    .filter((s): s is AmSilence => !!s && isCapstanSilence(s) && s.status?.state !== 'expired' && silencesExactly(s, a.labels ?? {}))
    .sort((x, y) => Date.parse(y.startsAt) - Date.parse(x.startsAt));
}

/** What differs between the sources serving this API. */
export interface AmMapOptions {
  /** Plugin id, the alerts' `source`. */
  source: string;
  /** Labels naming the node, first present wins. */
  nodeLabels: readonly string[];
  /** Labels giving the severity, first present wins (default `severity`). */
  severityLabels?: readonly string[];
  /**
   * The source's own links of an alert: at least `source` (the alert in that tool's UI); `generator`, `runbook`
   * (annotation runbook_url) and `node` are added here.
   */
  links: (a: AmAlert) => Record<string, string>;
  /** Now (ms), to tell alerts whose endsAt passed (resolved); default Date.now(). */
  now?: number;
  /**
   * Whether an endsAt in the past means resolved (default true). The API lists no ended alert, so this only
   * matters for alerts Capstan rebuilds itself, and where the source's clock may differ from Capstan's.
   */
  resolveEnded?: boolean;
}

/** ISO 8601 in UTC with milliseconds; undefined when it is not a time (Go's zero time `0001-01-01...` included). */
function iso(t: string | undefined): string | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms) || ms <= 0) return undefined;
  return new Date(ms).toISOString();
}

/** One silence holding an alert, as the Alert's `silencedBy` entry (its id only when the silence is unknown). */
function suppressionOf(s: AmSilence | undefined, id: string): Suppression {
  if (!s) return { kind: 'silence', id };
  const comment = plainComment(s);
  const until = iso(s.endsAt);
  return { kind: 'silence', id, ...(s.createdBy ? { by: s.createdBy } : {}), ...(comment ? { comment } : {}), ...(until ? { until } : {}) };
}

/**
 * One Alertmanager API v2 alert as an Alert. State: endsAt in the past (with `resolveEnded`) -> resolved; held
 * by a Capstan silence of exactly its labels that is not expired (ackSilencesOf) -> acknowledged
 * (acknowledgement = the most recently started such silence); `suppressed`, or held by any silence or inhibition -> silenced; active and unprocessed -> firing.
 * `silencedBy` lists each silence (kind silence: id, by = createdBy, comment without the marker, until =
 * endsAt) and each inhibiting alert (kind inhibition, id = its fingerprint).
 * @param silences the silences by id (GET .../api/v2/silences); an id not found there is listed with its id only.
 */
export function amAlertToAlert(a: AmAlert, silences: ReadonlyMap<string, AmSilence>, o: AmMapOptions): AlertT {
  const labels = { ...(a.labels ?? {}) };
  const annotations = { ...(a.annotations ?? {}) };
  const name = labels.alertname || a.fingerprint;
  const node = nodeFromLabels(labels, o.nodeLabels);
  const since = iso(a.startsAt) ?? new Date(0).toISOString();
  const endsAt = iso(a.endsAt);
  const severityLabel = (o.severityLabels ?? ['severity']).find((k) => labels[k] !== undefined);
  const links: Record<string, string> = { ...o.links(a) };
  if (a.generatorURL) links.generator = a.generatorURL;
  if (annotations.runbook_url) links.runbook = annotations.runbook_url;
  if (node) links.node = `/api/v1/nodes/${encodeURIComponent(node)}`;

  const silenceIds = a.status?.silencedBy ?? [];
  const held = silenceIds.map((id) => silences.get(id));
  const silencedBy: Suppression[] = [
    ...silenceIds.map((id, i) => suppressionOf(held[i], id)),
    ...(a.status?.inhibitedBy ?? []).map((fp) => ({ kind: 'inhibition' as const, id: fp })),
  ];
  const ours = ackSilencesOf({ labels, status: a.status }, silences);

  let state: AlertT['state'] = 'firing';
  if ((o.resolveEnded ?? true) && endsAt && Date.parse(endsAt) <= (o.now ?? Date.now())) state = 'resolved';
  else if (ours.length) state = 'acknowledged';
  else if (a.status?.state === 'suppressed' || silencedBy.length) state = 'silenced';

  const summary = (annotations.summary || annotations.description || annotations.message || name).split('\n', 1)[0].slice(0, SUMMARY_MAX);
  const alert: AlertT = {
    id: a.fingerprint,
    source: o.source,
    node,
    name,
    severity: normalizeSeverity(severityLabel ? labels[severityLabel] : undefined),
    state,
    since,
    ...(endsAt ? { endsAt } : {}),
    summary,
    labels,
    annotations,
    links,
    receivers: (a.receivers ?? []).map((r) => r.name),
  };
  if (silencedBy.length) alert.silencedBy = silencedBy;
  if (state === 'acknowledged') {
    const s = ours[0];
    const comment = plainComment(s);
    const until = iso(s.endsAt);
    alert.acknowledgement = { by: s.createdBy, at: iso(s.startsAt) ?? since, ...(comment ? { comment } : {}), ...(until ? { until } : {}) };
  }
  return alert;
}
