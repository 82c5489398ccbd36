/** Config of the icinga plugin (`plugins.icinga.*`, env CAPSTAN_PLUGINS_ICINGA_<KEY>, e.g. CAPSTAN_PLUGINS_ICINGA_CA_FILE). */
import { Type, type Static } from '@sinclair/typebox';
import { sensitive } from '../../../src/capabilities/sensitive.js';

export const IcingaConfigSchema = Type.Object({
  /**
   * Base URL of the Icinga 2 REST API (the ApiListener), `https://icinga.example.com:5665`; a trailing `/v1` is
   * accepted. HTTPS only: the API has no plain-HTTP mode. Setting it enables the plugin.
   */
  url: Type.String({ minLength: 1, pattern: '^https://', default: 'https://127.0.0.1:5665', description: 'Icinga 2 API base URL (https://host:5665).' }),
  /** ApiUser name (HTTP Basic). */
  user: Type.String({ minLength: 1, maxLength: 255, description: 'Icinga 2 ApiUser name.' }),
  /** ApiUser password (HTTP Basic); never logged nor shown. */
  password: Type.String({ minLength: 1, maxLength: 1024, ...sensitive(), description: 'Icinga 2 ApiUser password (secret).' }),
  /** CA certificate (PEM file) that signed the API's certificate: the Icinga CA (`/var/lib/icinga2/certs/ca.crt`). Default: the system CAs. */
  caFile: Type.Optional(Type.String({ minLength: 1, description: 'The Icinga CA certificate (PEM file) the API certificate is checked against.' })),
  /**
   * Name the API certificate must carry, when it differs from the URL's host (Icinga certificates carry the
   * node name, e.g. `icinga-master`, while the URL may use an address). Default: the URL's host.
   */
  serverName: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Expected name in the API certificate (default: the URL host).' })),
  /** Skip TLS certificate verification. FOR TESTS ONLY: anyone on the path can then read the password. Default false. */
  insecure: Type.Boolean({ default: false, description: 'Do not verify the API certificate (tests only).' }),
  /** Time one API request may take (ms; the event stream's connection only, not its lifetime). Default 10000. */
  timeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 300_000 }),
  /** Attempts per read on connection errors, timeouts and 5xx (1 = no retry; actions are never retried). Default 2. */
  attempts: Type.Integer({ default: 2, minimum: 1, maximum: 10 }),
  /** Icinga Web 2 base URL (`https://icinga.example.com/icingaweb2`): each alert links to its page there. Default none. */
  webUrl: Type.Optional(Type.String({ minLength: 1, pattern: '^https?://', description: 'Icinga Web 2 base URL for links.source.' })),
  /** Which Icinga Web 2 module the links open: `icingadb` (Icinga DB Web) or `monitoring` (the older IDO module). Default icingadb. */
  webModule: Type.Union([Type.Literal('icingadb'), Type.Literal('monitoring')], { default: 'icingadb' }),
  /**
   * Custom variables (`vars.<name>`) copied to labels as `vars_<name>` (string, number and boolean values only).
   * Default: every such variable. Names that look like a secret (password, secret, token, community, ...) never, even when listed.
   */
  labelVars: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_.-]+$' }), { maxItems: 100 })),
  /**
   * Listen to the API's event stream (POST /v1/events) while someone follows alert.stream, so a change is
   * recorded as it happens rather than at the follower's next poll. Default true.
   */
  eventStream: Type.Boolean({ default: true }),
  /** alert.stream looks at Icinga at most this often when nothing else triggers a look (ms). Default 2000. */
  streamMinIntervalMs: Type.Integer({ default: 2000, minimum: 0, maximum: 600_000 }),
}, { additionalProperties: false });

export type IcingaConfig = Static<typeof IcingaConfigSchema>;
