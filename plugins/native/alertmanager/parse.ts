/**
 * What is Alertmanager's own in mapping its API v2 answers to Capstan's Alert: the links into Alertmanager's UI
 * and the plugin's settings. The mapping itself (states, silences, Capstan's acknowledgement silences and their
 * marker) is shared with the grafana plugin: src/capabilities/alertmanager-v2.ts.
 */
import type { AlertT } from '../../../src/capabilities/alert-source.js';
import { amAlertToAlert, type AmAlert, type AmSilence } from '../../../src/capabilities/alertmanager-v2.js';

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

/**
 * One Alertmanager alert as an Alert (amAlertToAlert: state, silencedBy, acknowledgement), its `source` link
 * being the alert in Alertmanager's UI and its severity the `severity` label.
 * @param silences the silences by id (GET /api/v2/silences).
 */
export function toAlert(a: AmAlert, silences: ReadonlyMap<string, AmSilence>, o: MapOptions): AlertT {
  return amAlertToAlert(a, silences, {
    source: o.source,
    nodeLabels: o.nodeLabels,
    links: (raw) => ({ source: uiLink(o.uiUrl, raw.labels ?? {}) }),
    ...(o.now !== undefined ? { now: o.now } : {}),
  });
}
