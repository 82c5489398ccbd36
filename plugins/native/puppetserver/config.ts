/** Config of the puppetserver plugin (`plugins.puppetserver.*`, env CAPSTAN_PLUGINS_PUPPETSERVER_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';

export const PuppetserverConfigSchema = Type.Object({
  /**
   * Base URL of Puppetserver. `https://` needs `ca`; `http://` is accepted for loopback addresses only (a
   * Puppetserver behind a local TLS-terminating proxy). Default `https://localhost:8140`.
   */
  url: Type.String({ default: 'https://localhost:8140', pattern: '^https?://[^/?#]+/?$', description: 'Puppetserver base URL (scheme, host, port).' }),
  /** PEM file of the Puppet CA certificate that signed the server's certificate. Required for https. */
  ca: Type.Optional(Type.String({ minLength: 1, description: 'Puppet CA certificate (PEM).' })),
  /**
   * PEM client certificate and key Capstan authenticates with. Puppetserver's auth.conf decides what it may do:
   * the CA and admin endpoints want a certificate with the pp_cli_auth extension (the server's own, by default).
   */
  cert: Type.Optional(Type.String({ minLength: 1, description: 'Client certificate (PEM).' })),
  key: Type.Optional(Type.String({ minLength: 1, description: 'Client private key (PEM).' })),
  /** Time limit of one HTTP request, in milliseconds. Default 10000 (a catalog compile gets compileTimeoutMs). */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 600_000 }),
  /** Time limit of a catalog compile, in milliseconds. Default 120000. */
  compileTimeoutMs: Type.Integer({ default: 120_000, minimum: 1000, maximum: 3_600_000 }),
  /** Attempts of a read when the server is unreachable or answers 503 (1 = no retry). Default 3. */
  retries: Type.Integer({ default: 3, minimum: 1, maximum: 10 }),
  /** Consecutive failed calls that open the circuit breaker. Default 5. */
  breakerThreshold: Type.Integer({ default: 5, minimum: 1, maximum: 100 }),
  /** How long an open breaker refuses calls before one trial, in milliseconds. Default 30000. */
  breakerResetMs: Type.Integer({ default: 30_000, minimum: 100, maximum: 3_600_000 }),
  /** Largest answer accepted, in bytes (a catalog of a big node runs to megabytes). Default 32 MiB. */
  maxResponseBytes: Type.Integer({ default: 32 * 1024 * 1024, minimum: 1024 }),
}, { additionalProperties: false });

export type PuppetserverConfig = Static<typeof PuppetserverConfigSchema>;
