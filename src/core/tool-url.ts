/**
 * The base URL of a tool a plugin talks to over HTTP (Grafana, Jenkins, GitLab, GitHub, Nagios, ...), checked
 * once at start so that a bad value is a configuration error naming its key, never a request gone astray:
 * http(s) only, no credentials in it (they go in the plugin's own secret keys), and plain HTTP only to a
 * loopback host unless the operator allows it (the credentials would travel unencrypted).
 */
import { Errors } from './errors.js';
import { isLoopbackHostname } from './tls-files.js';

export interface ToolUrlRules {
  /** The config key, for messages: `plugins.grafana.url`. */
  key: string;
  /** What to set instead of credentials in the URL: `plugins.grafana.token`. */
  credentialsIn: string;
  /** Plain HTTP to a host that is not loopback is accepted. */
  allowPlainHttp?: boolean;
  /** What plain HTTP would expose, for the message; default `the token`. */
  exposes?: string;
}

/**
 * The parsed URL.
 * @throws Errors.Config (CAPSTAN_ERR_CONFIG_INVALID) naming `rules.key`: not a URL, not http(s), credentials in
 *   it, or plain HTTP to a host that is not loopback without allowPlainHttp.
 */
export function checkToolUrl(raw: string, rules: ToolUrlRules): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Errors.Config(`${rules.key} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Errors.Config(`${rules.key} must be http(s): ${url.origin}`);
  if (url.username || url.password) throw new Errors.Config(`${rules.key} must not carry credentials: use ${rules.credentialsIn}`);
  if (url.protocol === 'http:' && !isLoopbackHostname(url.hostname) && !rules.allowPlainHttp) {
    throw new Errors.Config(`${rules.key} ${url.origin}: plain HTTP is accepted on loopback only (${rules.exposes ?? 'the token'} would travel unencrypted); use https or set allowPlainHttp`);
  }
  return url;
}

/**
 * Milliseconds an HTTP `Retry-After` header asks for (RFC 9110 §10.2.3: delay-seconds or an HTTP-date);
 * undefined when absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\s*\d+\s*$/.test(header)) return Number(header) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
