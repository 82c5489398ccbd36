/** Config of the puppetdb plugin (`plugins.puppetdb.*`, env CAPSTAN_PLUGINS_PUPPETDB_<KEY>). */
import { Type, type Static } from '@sinclair/typebox';

export const PuppetDbConfigSchema = Type.Object({
  /**
   * PuppetDB base URL: `https://puppetdb.example.com:8081` (with ca, cert, key), or `http://127.0.0.1:8080`
   * (plain HTTP is accepted on loopback only, unless allowPlainHttp). Setting it enables the plugin.
   */
  url: Type.String({ minLength: 1, default: 'http://127.0.0.1:8080', description: 'PuppetDB base URL (https with ca/cert/key, or http on loopback).' }),
  /** CA certificate (PEM file) that signed PuppetDB's certificate: the Puppet CA. */
  ca: Type.Optional(Type.String({ minLength: 1, description: 'Puppet CA certificate (PEM file).' })),
  /** Client certificate (PEM file) PuppetDB's certificate allow-list accepts. */
  cert: Type.Optional(Type.String({ minLength: 1, description: 'Client certificate (PEM file).' })),
  /** Private key of the client certificate (PEM file). */
  key: Type.Optional(Type.String({ minLength: 1, description: 'Client private key (PEM file).' })),
  /** Plain HTTP to a host that is not loopback (traffic and facts unencrypted). Default false. */
  allowPlainHttp: Type.Boolean({ default: false, description: 'Allow http:// to a non-loopback host.' }),
  /** Time one HTTP request to PuppetDB may take. Default 10000 ms. */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /** Attempts per request on connection errors, timeouts and 5xx (1 = no retry). Default 3. */
  attempts: Type.Integer({ default: 3, minimum: 1, maximum: 10 }),
  /** Consecutive failed requests that open the circuit breaker. Default 5. */
  breakerThreshold: Type.Integer({ default: 5, minimum: 1, maximum: 1000 }),
  /** How long the open breaker refuses calls before one trial. Default 30000 ms. */
  breakerResetMs: Type.Integer({ default: 30_000, minimum: 100 }),
  /** Fact whose value names each node's group (`os.family` puts node1 in group `Debian`). Default none. */
  groupFact: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$', description: 'Fact path (dot-separated) whose value is a group name.' })),
  /**
   * Groups defined by a query each (YAML only): group name -> PQL (`nodes[certname] { ... }`) or AST
   * (JSON text) returning certnames. Default none.
   */
  groups: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*$' }), Type.String({ minLength: 1, maxLength: 10_000 }), { description: 'Group name -> PQL or AST query returning certnames.' })),
  /** Also list deactivated and expired nodes (with their state in vars.puppetdb). Default false: active only. */
  includeInactive: Type.Boolean({ default: false }),
  /** How long the node list and groups are served from cache. Default 60 s. */
  inventoryTtlSeconds: Type.Integer({ default: 60, minimum: 0 }),
  /** How long a node's factset is served from cache. Default 60 s. */
  factsTtlSeconds: Type.Integer({ default: 60, minimum: 0 }),
  /** Largest number of rows the native query capability returns. Default 1000. */
  maxQueryRows: Type.Integer({ default: 1000, minimum: 1, maximum: 100_000 }),
}, { additionalProperties: false });

export type PuppetDbConfig = Static<typeof PuppetDbConfigSchema>;
