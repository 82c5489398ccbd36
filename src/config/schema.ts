/**
 * The one configuration schema. Every key is documented with its default; every key is also settable from
 * the environment as CAPSTAN_<PATH> in upper snake case (e.g. execution.maxQueued = CAPSTAN_EXECUTION_MAX_QUEUED),
 * and per plugin as CAPSTAN_PLUGINS_<ID>_<KEY> (e.g. CAPSTAN_PLUGINS_SSH_INVENTORY_FILE).
 */
import { Type, type Static } from '@sinclair/typebox';
import { PERMISSION_PATTERN } from '../core/permissions.js';
import { ROLE_NAME_PATTERN } from '../core/roles.js';

/** Node timers overflow past 2^31-1 ms (about 24.8 days) and would fire at once. */
export const MAX_TIMER_SECONDS = 2_147_483;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Settings common to every plugin under `plugins.<id>`; each plugin adds its own keys. */
export const PluginCommonConfig = Type.Object({
  /** Load the plugin. Default: the plugin's own `enabledByDefault`. */
  enabled: Type.Optional(Type.Boolean({ description: "Load the plugin (default: the plugin's own choice)." })),
  /** Routing priority of its capabilities (higher wins). Default 50. */
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Routing priority of its capabilities; higher wins (default 50).' })),
  /** When true, /health/ready answers 503 while this plugin is down. Default false. */
  required: Type.Optional(Type.Boolean({ description: 'Readiness fails while this plugin is down (default false).' })),
}, { additionalProperties: true });

export const ConfigSchema = Type.Object({
  host: Type.String({ default: '127.0.0.1', description: 'Listen address (CAPSTAN_HOST).' }),
  port: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'Listen port (CAPSTAN_PORT, or PORT).' }),
  dataDir: Type.String({ default: './data', description: 'Directory of the SQLite store (CAPSTAN_DATA_DIR).' }),
  logLevel: Type.Union(LOG_LEVELS.map((l) => Type.Literal(l)), { default: 'info', description: 'pino level (CAPSTAN_LOG_LEVEL).' }),
  bodyLimit: Type.Integer({ default: 1_048_576, minimum: 1024, description: 'Largest accepted request body in bytes.' }),
  /**
   * Authentication of /api. Default `on`: every /api request needs a bearer token (an API token, `token` or
   * one of `tokens`). `off` is accepted only with a loopback `host` (127.0.0.0/8, ::1, localhost) and makes
   * every caller an admin: for a developer's machine only.
   */
  auth: Type.Union([Type.Literal('on'), Type.Literal('off')], { default: 'on', description: "Authentication of /api: `on` (default) or `off`, only with a loopback host (CAPSTAN_AUTH)." }),
  /**
   * Host names (the Host header, without port) the server answers besides loopback names and its own listen
   * address: the names clients use to reach it (`capstan.example.com`). `*` accepts any name (turns the DNS
   * rebinding check off: only behind a proxy that checks Host itself). Default: none.
   */
  allowedHosts: Type.Array(Type.String({ pattern: '^(\\*|[A-Za-z0-9._:\\[\\]-]{1,255})$' }), {
    default: [], description: 'Host names clients use besides loopback names and the listen address; `*` turns the Host check off (CAPSTAN_ALLOWED_HOSTS, comma-separated).',
  }),
  /** Whether GET /metrics is open (true, the default) or needs a bearer token like /api. */
  openMetrics: Type.Boolean({ default: true, description: 'GET /metrics without a token (default true); false: it needs a valid bearer token (CAPSTAN_OPEN_METRICS).' }),
  /** Optional admin token; when set, it is an extra token named `admin` with `*` (and no admin-token file is written). */
  token: Type.Optional(Type.String({ minLength: 8, description: 'An admin bearer token (CAPSTAN_TOKEN); when set, no admin token is created at first start.' })),
  /**
   * Custom roles (YAML only), keyed by name (not a built-in one: viewer, operator, admin): permissions
   * (capability names, `family.*`, `risk:<level>`, `*`) and optionally the targets they apply to (node names,
   * group names, globs over node names). API tokens and `tokens` name them in `roles`. Default: none.
   */
  roles: Type.Record(Type.String({ pattern: ROLE_NAME_PATTERN }), Type.Object({
    permissions: Type.Array(Type.String({ pattern: PERMISSION_PATTERN }), { minItems: 1 }),
    targets: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, description: 'Where the permissions apply; absent: every node.' })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
  }, { additionalProperties: false }), { default: {}, description: 'Custom roles: permissions and optionally the targets they apply to (YAML).' }),
  /**
   * Named tokens kept in the config (YAML only): `roles` (built-in or custom) and/or raw `permissions`, and an
   * optional target `scope`. `token` above is an extra token named `admin` with `*`. Default: none.
   */
  tokens: Type.Array(Type.Object({
    name: Type.String({ pattern: '^[A-Za-z0-9._@-]{1,64}$', description: 'Who the token stands for (logs, executions).' }),
    token: Type.String({ minLength: 16, description: 'The bearer secret.' }),
    roles: Type.Optional(Type.Array(Type.String({ pattern: ROLE_NAME_PATTERN }), { minItems: 1 })),
    permissions: Type.Optional(Type.Array(Type.String({ pattern: PERMISSION_PATTERN }), { description: 'Raw permissions on every node. A token needs roles or permissions.' })),
    scope: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { minItems: 1, description: 'Target patterns the token is limited to.' })),
  }, { additionalProperties: false }), { default: [], description: 'Named tokens with roles or permissions (YAML).' }),
  plugins: Type.Record(Type.String(), PluginCommonConfig, { default: {}, description: 'Per-plugin settings keyed by plugin id.' }),
  pluginsDir: Type.String({ default: 'plugins/native', description: 'Where native plugins are discovered, relative to the project root.' }),
  pluginInitTimeoutMs: Type.Integer({ default: 15_000, minimum: 1, description: 'Time each plugin gets to initialize.' }),
  healthIntervalMs: Type.Integer({ default: 30_000, minimum: 0, description: 'Interval of plugin health checks (0 = off).' }),
  healthTimeoutMs: Type.Integer({ default: 5_000, minimum: 1, description: 'Time each health check gets.' }),
  capabilityTimeoutMs: Type.Integer({ default: 30_000, minimum: 1, description: 'Time a provider gets to answer a query capability.' }),
  /**
   * Cross-origin access from browsers (CAPSTAN_CORS_ORIGINS, comma-separated). Default: none, CORS off (no
   * Access-Control-* headers; browsers on other origins cannot read answers).
   */
  cors: Type.Object({
    origins: Type.Array(Type.String({ pattern: '^(\\*|https?://[^/\\s,]+)$' }), {
      default: [],
      description: 'Origins (`https://ops.example.com`, exact match) allowed to call the API from a browser; `*` allows any. Empty: CORS off (CAPSTAN_CORS_ORIGINS, comma-separated).',
    }),
  }, { default: {}, additionalProperties: false }),
  /**
   * Which proxies in front of the server are trusted to say who the client is (Fastify's `trustProxy`): with
   * one, `X-Forwarded-For` / `-Proto` / `-Host` from it are believed, so per-IP rate limits and logs see the
   * real client. `false` (default): the headers are ignored and the client is the TCP peer. `true`: trust every
   * hop (only when every path to the server goes through your proxy). A number: trust that many hops. A list:
   * the proxies' addresses or CIDRs (`10.0.0.0/8`, `127.0.0.1`, or `loopback`, `linklocal`, `uniquelocal`).
   */
  trustProxy: Type.Union([
    Type.Boolean(),
    Type.Integer({ minimum: 0 }),
    Type.Array(Type.String({ pattern: '^[0-9A-Za-z:./,]{1,256}$' })),
  ], { default: false, description: 'Proxies trusted for X-Forwarded-For: false (default, ignored), true (every hop), a hop count, or addresses/CIDRs (CAPSTAN_TRUST_PROXY: true, 2, or a comma-separated list).' }),
  /**
   * Request rate limits, answered with a 429 problem and `Retry-After`: per client IP before authentication
   * (a refused request costs no token check and runs nothing), per authenticated token after it, and failed
   * authentications per client IP. /health/* is never limited.
   */
  rateLimit: Type.Object({
    /** Default true; false turns every limit off. */
    enabled: Type.Boolean({ default: true, description: 'Apply the limits below (default true; CAPSTAN_RATE_LIMIT_ENABLED=false turns them off).' }),
    /**
     * Requests per window per authenticated token (an API token by its id, a config token by its name),
     * counted after the token was accepted, whatever address it comes from. Default 1000; 0 = no limit.
     */
    max: Type.Integer({ default: 1000, minimum: 0, description: 'Requests per window per authenticated token, from any address (default 1000; 0 = no limit; CAPSTAN_RATE_LIMIT_MAX).' }),
    /**
     * Requests per window per client IP (IPv6: per /64), every request but /health/* with or without a token,
     * counted before authentication. Clients behind one NAT or proxy share it, hence generous. Default 3000;
     * 0 = no limit.
     */
    ipMax: Type.Integer({ default: 3000, minimum: 0, description: 'Requests per window per client IP (IPv6: per /64), with or without a token, counted before authentication (default 3000; 0 = no limit; CAPSTAN_RATE_LIMIT_IP_MAX).' }),
    /** Length of the window every limit counts in (ms). Default 60000. */
    timeWindowMs: Type.Integer({ default: 60_000, minimum: 1000, description: 'Window of every limit in ms (default 60000; CAPSTAN_RATE_LIMIT_TIME_WINDOW_MS).' }),
    /**
     * Failed authentications (401 answers) per client IP (IPv6: per /64) per window; past it every request of
     * that IP that needs a token is refused until the window ends, valid token or not (brute force of
     * tokens). Default 20; 0 = no limit.
     */
    authFailuresMax: Type.Integer({ default: 20, minimum: 0, description: 'Failed authentications (401) per client IP per window before that IP is refused until the window ends (default 20; 0 = no limit; CAPSTAN_RATE_LIMIT_AUTH_FAILURES_MAX).' }),
  }, { default: {}, additionalProperties: false }),
  execution: Type.Object({
    concurrency: Type.Integer({ default: 8, minimum: 1, description: 'Executions running at once, globally.' }),
    perNodeConcurrency: Type.Integer({ default: 1, minimum: 1, description: 'Mutating executions running at once on one node.' }),
    maxQueued: Type.Integer({ default: 1000, minimum: 1, description: 'Queued executions before POST answers 429.' }),
    defaultTimeoutSeconds: Type.Integer({ default: 3600, minimum: 1, maximum: MAX_TIMER_SECONDS, description: 'Timeout of an execution that sets none.' }),
    maxTimeoutSeconds: Type.Integer({ default: 86_400, minimum: 1, maximum: MAX_TIMER_SECONDS, description: 'Largest timeout a request may ask for (at most 24.8 days, the longest timer Node keeps).' }),
    cancelGraceMs: Type.Integer({ default: 5_000, minimum: 0, description: 'Between SIGTERM and SIGKILL when canceling.' }),
    drainSeconds: Type.Number({ default: 2, minimum: 0, maximum: 600, description: 'After the top-level process of a target exits, how long processes still holding its output may go on before they are ended (s).' }),
    partialLineFlushMs: Type.Integer({ default: 200, minimum: 10, maximum: 1000, description: 'Output without a newline yet is streamed as a partial piece this long after it was printed (ms).' }),
    cgroups: Type.Boolean({ default: true, description: 'End every process of a run through a cgroup v2 scope (cgroup.kill) where the server can create cgroups; else process group + environment cookie.' }),
    maxOutputBytes: Type.Integer({ default: 16_777_216, minimum: 1024, description: 'Output kept per execution; past it a truncation marker is stored.' }),
    heartbeatSeconds: Type.Integer({ default: 15, minimum: 1, maximum: 15, description: 'SSE heartbeat interval.' }),
    idempotencyHours: Type.Integer({ default: 24, minimum: 1, description: 'How long an Idempotency-Key is remembered.' }),
    /**
     * Days the output (events) and per-target results of a finished run are kept; older ones are pruned in the
     * background (every `journal.pruneIntervalMs`). The execution row and its journal line stay; its output
     * route then answers 410. Queued and running runs are never pruned. Default 90; 0 = keep forever.
     */
    retentionDays: Type.Integer({ default: 90, minimum: 0, maximum: 36_500, description: 'Days the output and results of a finished run are kept; the run itself and its journal line stay (default 90; 0 = keep forever; CAPSTAN_EXECUTION_RETENTION_DAYS).' }),
  }, { default: {} }),
  /** The stored node journal (issue 17). */
  journal: Type.Object({
    /** Days a stored journal entry is kept; older ones are pruned in the background. Default 365; 0 = keep forever. */
    retentionDays: Type.Integer({ default: 365, minimum: 0, maximum: 36_500, description: 'Days a stored journal entry is kept (default 365; 0 = keep forever; CAPSTAN_JOURNAL_RETENTION_DAYS).' }),
    /**
     * How often the background pruner runs (journal entries and execution output alike), in small batches that
     * yield to requests; it also runs shortly after start. Default 3600000 (1 h).
     */
    pruneIntervalMs: Type.Integer({ default: 3_600_000, minimum: 100, maximum: 2_147_483_647, description: 'Interval of the background pruner of journal entries and execution output (ms; default 3600000 = 1 h; CAPSTAN_JOURNAL_PRUNE_INTERVAL_MS).' }),
  }, { default: {}, additionalProperties: false }),
  /** Alert changes followed in the background (issue 19): node journal entries and webhook subscriptions. */
  alerts: Type.Object({
    /**
     * How often every alert source's alert.stream is asked for changes, to write them to the node journal and
     * to the webhook subscriptions. Each source looks at its monitoring system at most that often for it.
     * Default 5000 ms; 0 = no background following (no alert journal entries, no webhook deliveries).
     */
    followIntervalMs: Type.Integer({ default: 5000, minimum: 0, maximum: 3_600_000, description: 'Interval at which alert changes of every source are followed for the node journal and webhook subscriptions (ms; default 5000; 0 = off; CAPSTAN_ALERTS_FOLLOW_INTERVAL_MS).' }),
    /** Whether alert changes become node journal entries (kind `alert`) for sources that keep no history of their own. */
    journal: Type.Boolean({ default: true, description: 'Write alert changes to the node journal (kind `alert`; default true; CAPSTAN_ALERTS_JOURNAL).' }),
    /** Time a webhook receiver has to answer one delivery (ms). */
    webhookTimeoutMs: Type.Integer({ default: 10_000, minimum: 100, maximum: 120_000, description: 'Time a webhook receiver has to answer a delivery (ms; default 10000; CAPSTAN_ALERTS_WEBHOOK_TIMEOUT_MS).' }),
    /** Attempts of one delivery before it is given up (1 s, then doubling up to 10 min between them: 20 attempts span about 2 h). */
    webhookMaxAttempts: Type.Integer({ default: 20, minimum: 1, maximum: 1000, description: 'Attempts of one webhook delivery before it is given up; waits of 1 s doubling up to 10 min between them (default 20, about 2 h; CAPSTAN_ALERTS_WEBHOOK_MAX_ATTEMPTS).' }),
  }, { default: {}, additionalProperties: false }),
}, { additionalProperties: false });

export type Config = Static<typeof ConfigSchema>;
