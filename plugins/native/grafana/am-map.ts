/**
 * What is Grafana's own in mapping the Alertmanager API v2 it serves for its alerts
 * (`/api/alertmanager/grafana/api/v2/...`) to Capstan's Alert: the source id, the links into Grafana (alert
 * groups, the rule's dashboard panel) and the severity labels. The mapping itself (states, silences, Capstan's
 * acknowledgement silences and their marker) is shared with the alertmanager plugin:
 * src/capabilities/alertmanager-v2.ts.
 */
import type { AlertT } from '../../../src/capabilities/alert-source.js';
import { amAlertToAlert, type AmAlert, type AmSilence } from '../../../src/capabilities/alertmanager-v2.js';

export const SOURCE = 'grafana';

/** Where the mapping needs to know Grafana: its root URL (links), organisation and the node labels. */
export interface MapContext {
  /** Grafana root URL without a trailing slash. */
  base: string;
  orgId?: number;
  nodeLabels: readonly string[];
  /** Silences by id (all of them, expired ones too). */
  silences: ReadonlyMap<string, AmSilence>;
}

/** A label set as Alertmanager matcher text, for Grafana's alert list search (`{alertname="X"}`). */
function queryString(labels: Record<string, string>): string {
  return `{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

/** Grafana's links of an alert: its alert group list searched by alertname, and the dashboard panel of its rule. */
function grafanaLinks(a: AmAlert, ctx: MapContext): Record<string, string> {
  const labels = a.labels ?? {};
  const annotations = a.annotations ?? {};
  const org = ctx.orgId !== undefined ? `orgId=${ctx.orgId}&` : '';
  const links: Record<string, string> = {
    source: `${ctx.base}/alerting/groups?${org}queryString=${encodeURIComponent(queryString({ alertname: labels.alertname ?? '' }))}`,
  };
  if (annotations.__dashboardUid__) {
    links.dashboard = `${ctx.base}/d/${encodeURIComponent(annotations.__dashboardUid__)}?${org}${annotations.__panelId__ ? `viewPanel=${encodeURIComponent(annotations.__panelId__)}` : ''}`.replace(/[?&]$/, '');
  }
  return links;
}

/**
 * One Grafana alert instance as Capstan's Alert (amAlertToAlert), severity from the `severity` label or else
 * `priority`. Grafana refreshes a firing alert's endsAt at each evaluation and lists no ended alert, so endsAt is
 * not read as resolved here.
 */
export function toAlert(a: AmAlert, ctx: MapContext): AlertT {
  return amAlertToAlert(a, ctx.silences, {
    source: SOURCE,
    nodeLabels: ctx.nodeLabels,
    severityLabels: ['severity', 'priority'],
    links: (raw) => grafanaLinks(raw, ctx),
    resolveEnded: false,
  });
}
