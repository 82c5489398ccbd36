/**
 * Alertmanager API v2 answers as Capstan's one Alert shape. Wire formats: `gettableAlert`, `gettableSilence`
 * and `postableSilence` of api/v2/openapi.yaml (prometheus/alertmanager), as recorded from Alertmanager 0.25 in
 * shared/reference/alertmanager-outputs (alerts.json, alerts-silenced.json, silences-list.json).
 *
 * Acknowledgements are silences Capstan made: their comment starts with ACK_MARKER (`[capstan] `). Alertmanager
 * silences carry no labels or annotations of their own, and their matchers belong to the alerts they silence;
 * the comment is the one free field every Alertmanager version keeps, shows in its UI and returns verbatim.
 */
import type { AlertSeverity, AlertT } from '../../../src/capabilities/alert-source.js';
import { nodeFromLabels, normalizeSeverity } from '../../../src/capabilities/alert-source.js';

/** One alert of GET /api/v2/alerts (`gettableAlert`). */
export interface AmAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  updatedAt?: string;
  generatorURL?: string;
  receivers?: { name: string }[];
  status: { state: 'active' | 'suppressed' | 'unprocessed'; silencedBy?: string[]; inhibitedBy?: string[] };
}

/** One silence matcher; `isEqual` is absent before Alertmanager 0.22 (then true). */
export interface AmMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual?: boolean;
}

/** One silence of GET /api/v2/silences (`gettableSilence`). */
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

/** What a comment of Capstan's silences starts with. */
export const ACK_MARKER = '[capstan] ';
/** The acknowledgement comment when the caller gives none. */
export const DEFAULT_ACK_COMMENT = 'acknowledged via Capstan';
/** Summaries are cut to the Alert record's limit. */
const SUMMARY_MAX = 4000;

/** True for a silence alert.acknowledge made (its comment starts with the marker, spaces around it ignored). */
export function isCapstanSilence(s: Pick<AmSilence, 'comment'>): boolean {
  return (s.comment ?? '').trimStart().startsWith(ACK_MARKER.trim());
}

/** The comment as people wrote it: without Capstan's marker. */
export function plainComment(s: Pick<AmSilence, 'comment'>): string {
  const c = s.comment ?? '';
  return isCapstanSilence(s) ? c.trimStart().slice(ACK_MARKER.trim().length).trim() : c;
}

/**
 * The body of POST /api/v2/silences acknowledging `alert`: one equality matcher per label (so it silences this
 * alert, and any alert carrying the same labels plus others), from `now` for `durationSeconds`.
 */
export function ackSilence(labels: Record<string, string>, by: string, comment: string | undefined, durationSeconds: number, now = Date.now()) {
  return {
    matchers: Object.keys(labels).sort().map((name) => ({ name, value: labels[name], isRegex: false, isEqual: true })),
    startsAt: new Date(now).toISOString(),
    endsAt: new Date(now + durationSeconds * 1000).toISOString(),
    createdBy: by,
    comment: `${ACK_MARKER}${comment?.trim() || DEFAULT_ACK_COMMENT}`,
  };
}

/** True when a silence's matchers are exactly one equality matcher per label of `labels` (Capstan's silence of that alert). */
export function silencesExactly(s: AmSilence, labels: Record<string, string>): boolean {
  const names = Object.keys(labels);
  return s.matchers.length === names.length
    && s.matchers.every((m) => !m.isRegex && m.isEqual !== false && labels[m.name] === m.value);
}

/** Settings the mapping needs. */
export interface MapOptions {
  /** Plugin id, the alerts' `source`. */
  source: string;
  /** Labels naming the node, first present wins. */
  nodeLabels: readonly string[];
  /** Alertmanager's UI base URL (no trailing slash). */
  uiUrl: string;
  /** Now (ms), to tell alerts whose endsAt passed. */
  now?: number;
}

/** A matcher text of Alertmanager's UI filter (`name="value"`, quotes and backslashes escaped). */
function uiMatcher(name: string, value: string): string {
  return `${name}=${JSON.stringify(value)}`;
}

/** The alert in Alertmanager's UI: its alert list filtered on every label of the alert, silenced and inhibited shown. */
export function uiLink(uiUrl: string, labels: Record<string, string>): string {
  const filter = `{${Object.keys(labels).sort().map((k) => uiMatcher(k, labels[k])).join(',')}}`;
  return `${uiUrl}/#/alerts?silenced=true&inhibited=true&active=true&filter=${encodeURIComponent(filter)}`;
}

/** ISO 8601 in UTC with milliseconds; the input when it is not a time (Alertmanager's own zero time stays out). */
function iso(t: string | undefined): string | undefined {
  if (!t) return undefined;
  const ms = Date.parse(t);
  if (Number.isNaN(ms) || ms <= 0) return undefined;
  return new Date(ms).toISOString();
}

/**
 * One Alertmanager alert as an Alert. State: `suppressed` with a Capstan silence among `silencedBy` ->
 * acknowledged (acknowledgement = the newest such silence); suppressed otherwise -> silenced; active and
 * unprocessed -> firing; endsAt in the past -> resolved. `silencedBy` lists each silence (kind silence: id,
 * by = createdBy, comment, until = endsAt) and each inhibiting alert (kind inhibition, id = its fingerprint).
 * @param silences the silences by id (GET /api/v2/silences); an id not found there is listed with its id only.
 */
export function toAlert(a: AmAlert, silences: ReadonlyMap<string, AmSilence>, o: MapOptions): AlertT {
  const labels = { ...(a.labels ?? {}) };
  const annotations = { ...(a.annotations ?? {}) };
  const name = labels.alertname || a.fingerprint;
  const node = nodeFromLabels(labels, o.nodeLabels);
  const since = iso(a.startsAt) ?? new Date(0).toISOString();
  const endsAt = iso(a.endsAt);
  const severity: AlertSeverity = normalizeSeverity(labels.severity);
  const links: Record<string, string> = { source: uiLink(o.uiUrl, labels) };
  if (a.generatorURL) links.generator = a.generatorURL;
  if (annotations.runbook_url) links.runbook = annotations.runbook_url;
  if (node) links.node = `/api/v1/nodes/${encodeURIComponent(node)}`;

  const silenceIds = a.status?.silencedBy ?? [];
  const inhibitors = a.status?.inhibitedBy ?? [];
  const held = silenceIds.map((id) => silences.get(id) ?? ({ id } as Partial<AmSilence> & { id: string }));
  const silencedBy: NonNullable<AlertT['silencedBy']> = [
    ...held.map((s) => ({
      kind: 'silence' as const,
      id: s.id,
      ...(s.createdBy ? { by: s.createdBy } : {}),
      ...(s.comment !== undefined ? { comment: plainComment(s as AmSilence) } : {}),
      ...(iso(s.endsAt) ? { until: iso(s.endsAt)! } : {}),
    })),
    ...inhibitors.map((fp) => ({ kind: 'inhibition' as const, id: fp })),
  ];
  const ours = held.filter((s): s is AmSilence => s.comment !== undefined && isCapstanSilence(s as AmSilence))
    .sort((x, y) => Date.parse(y.startsAt) - Date.parse(x.startsAt));

  let state: AlertT['state'] = 'firing';
  if (endsAt && Date.parse(endsAt) <= (o.now ?? Date.now())) state = 'resolved';
  else if (ours.length) state = 'acknowledged';
  else if (a.status?.state === 'suppressed' || silencedBy.length) state = 'silenced';

  const summary = (annotations.summary || annotations.description || annotations.message || name).split('\n', 1)[0].slice(0, SUMMARY_MAX);
  const alert: AlertT = {
    id: a.fingerprint,
    source: o.source,
    node,
    name,
    severity,
    state,
    since,
    ...(endsAt ? { endsAt } : {}),
    summary,
    labels,
    annotations,
    links,
    receivers: (a.receivers ?? []).map((r) => r.name),
  };
  if (state === 'acknowledged') {
    const s = ours[0];
    alert.acknowledgement = { by: s.createdBy, at: iso(s.startsAt) ?? since, comment: plainComment(s), ...(iso(s.endsAt) ? { until: iso(s.endsAt)! } : {}) };
  }
  if (state !== 'firing' && silencedBy.length) alert.silencedBy = silencedBy;
  return alert;
}
