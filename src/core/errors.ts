/**
 * The error catalogue: every error Capstan answers with is one of these, typed by category.
 * Domain code throws `new Errors.X(detail, { cause, extra })`; src/core/problem.ts turns it into
 * RFC 9457 problem+json. Codes are stable and never reused (docs/errors.md is generated from this list).
 */

/** The standard categories, each with its HTTP status and whether a retry may succeed. */
export const CATEGORIES = {
  validation: { status: 400, retryable: false, title: 'Invalid request' },
  unauthorized: { status: 401, retryable: false, title: 'Authentication required' },
  forbidden: { status: 403, retryable: false, title: 'Forbidden' },
  not_found: { status: 404, retryable: false, title: 'Not found' },
  conflict: { status: 409, retryable: false, title: 'Conflict' },
  rate_limited: { status: 429, retryable: true, title: 'Too many requests' },
  unavailable: { status: 503, retryable: true, title: 'Service unavailable' },
  timeout: { status: 504, retryable: true, title: 'Timed out' },
  execution_failed: { status: 502, retryable: false, title: 'Execution failed' },
  not_implemented: { status: 501, retryable: false, title: 'Not implemented' },
  internal: { status: 500, retryable: false, title: 'Internal error' },
} as const;

export type ErrorCategory = keyof typeof CATEGORIES;

/**
 * Base of every problem `type`: the code's section of docs/errors.md (its anchor is the code in lower case,
 * as Markdown renderers make it). One absolute https URI for answers and examples alike: RFC 9457 asks for
 * absolute type URIs, and one that leads a human to the code's documentation beats a URN that leads nowhere.
 * Clients compare it as an identifier (or read `code`); they never need to fetch it.
 */
export const PROBLEM_TYPE_BASE = 'https://capstan.dev/errors#';

/** The problem `type` of a catalogue code. */
export function problemType(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code.toLowerCase()}`;
}

/** Where an invalid value of a request is: the JSON body, the query string, a path parameter or a header. */
export type RequestPart = 'body' | 'query' | 'path' | 'header';

/**
 * One entry of a validation problem's `errors`. `pointer` is an RFC 6901 JSON pointer into the part named by
 * `in`: for `body`, into the JSON body as sent (`/params/command`, `""` for the body as a whole); for
 * `query`, `path` and `header`, into the object of that part's values (`/limit`, `/id`, `/idempotency-key`).
 */
export interface FieldError {
  in: RequestPart;
  pointer: string;
  message: string;
}

export function fieldError(part: RequestPart, pointer: string, message: string): FieldError {
  return { in: part, pointer, message };
}
export const ERROR_CATEGORIES = Object.keys(CATEGORIES) as ErrorCategory[];

export interface CapstanErrorOptions {
  cause?: unknown;
  /** Extra members merged into the problem document (e.g. `capability`, `errors`). */
  extra?: Record<string, unknown>;
  /** Seconds a client should wait before retrying (sent as Retry-After). */
  retryAfter?: number;
  /** Override the category's status (e.g. 413 or 415 within `validation`). */
  status?: number;
}

/** Base class of every catalogued error. */
export class CapstanError extends Error {
  readonly code: string;
  readonly category: ErrorCategory;
  readonly statusCode: number;
  readonly title: string;
  readonly extra: Record<string, unknown>;
  readonly retryAfter?: number;

  constructor(code: string, category: ErrorCategory, title: string, detail: string, opts: CapstanErrorOptions = {}) {
    super(detail, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'CapstanError';
    this.code = code;
    this.category = category;
    this.title = title;
    this.statusCode = opts.status ?? CATEGORIES[category].status;
    this.extra = opts.extra ?? {};
    this.retryAfter = opts.retryAfter;
  }

  get retryable(): boolean {
    return CATEGORIES[this.category].retryable;
  }
}

/** One catalogue entry: the class to throw plus its documentation. */
export interface CatalogueEntry {
  code: string;
  category: ErrorCategory;
  title: string;
  description: string;
  /** HTTP status when it differs from the category's. */
  status?: number;
}

type ErrorClass = new (detail: string, opts?: CapstanErrorOptions) => CapstanError;

export const CATALOGUE: CatalogueEntry[] = [];

const BY_CODE = new Map<string, ErrorClass>();

function define(code: string, category: ErrorCategory, title: string, description: string, status?: number): ErrorClass {
  const full = `CAPSTAN_ERR_${code}`;
  if (CATALOGUE.some((e) => e.code === full)) throw new Error(`duplicate error code ${full}`);
  CATALOGUE.push({ code: full, category, title, description, ...(status ? { status } : {}) });
  const cls = class extends CapstanError {
    constructor(detail: string, opts?: CapstanErrorOptions) {
      super(full, category, title, detail, status && opts?.status === undefined ? { ...opts, status } : opts);
    }
  };
  BY_CODE.set(full, cls);
  return cls;
}

/**
 * The catalogue's error of `code` (`CAPSTAN_ERR_...`) with `detail`: an error that travelled as data (a
 * target's outcome, a source's status) thrown again with its own code and status. A code not in the
 * catalogue gives an Upstream error.
 */
export function errorOfCode(code: string, detail: string, opts?: CapstanErrorOptions): CapstanError {
  const cls = BY_CODE.get(code);
  return cls ? new cls(detail, opts) : new Errors.Upstream(detail, opts);
}

/** The catalogue. Append only: never rename or reuse a code. */
export const Errors = {
  Validation: define('REQUEST_VALIDATION', 'validation', 'Invalid request', 'The request body, query, path or headers do not match the documented schema; `errors` lists each problem with its request part (`in`) and JSON pointer.'),
  MalformedJson: define('REQUEST_MALFORMED_JSON', 'validation', 'Malformed JSON body', 'The request body is not valid JSON.'),
  BodyTooLarge: define('REQUEST_BODY_TOO_LARGE', 'validation', 'Request body too large', 'The request body exceeds the configured body limit (HTTP 413).'),
  UnsupportedMediaType: define('REQUEST_UNSUPPORTED_MEDIA_TYPE', 'validation', 'Unsupported media type', 'The request body has a content type the route does not accept (HTTP 415).'),
  ForbiddenKey: define('REQUEST_FORBIDDEN_KEY', 'validation', 'Forbidden key in body', 'The JSON body contains a key such as `__proto__` or `constructor` that is never accepted.'),
  RouteNotFound: define('ROUTE_NOT_FOUND', 'not_found', 'Route not found', 'No route matches this method and path.'),
  Unauthorized: define('AUTH_REQUIRED', 'unauthorized', 'Authentication required', 'The request carries no valid bearer token (every /api request needs one unless auth is off): none, an unknown one, or a revoked or expired API token. The answer carries `WWW-Authenticate: Bearer realm="capstan"`, with `error="invalid_token"` when a bearer token was sent but is not valid. On the SSE routes, a `?ticket=` stream ticket that is unknown, already used, expired or issued for another stream is answered the same way (`invalid_token`, the detail says which).'),
  Forbidden: define('AUTH_FORBIDDEN', 'forbidden', 'Forbidden', 'The principal lacks a permission the capability requires; `missingPermissions` names it, and `WWW-Authenticate` carries `error="insufficient_scope"`.'),
  CapabilityUnknown: define('CAPABILITY_UNKNOWN', 'not_found', 'Unknown capability', 'No capability of this name exists in the catalog.'),
  CapabilityNoProvider: define('CAPABILITY_NO_PROVIDER', 'unavailable', 'No provider for capability', 'The capability has providers but none is available now (failed, unhealthy or shutting down); retry after the Retry-After delay.'),
  CapabilityParams: define('CAPABILITY_PARAMS_INVALID', 'validation', 'Invalid capability parameters', 'The params do not match the capability contract; `errors` lists each problem.'),
  CapabilityResult: define('CAPABILITY_RESULT_INVALID', 'internal', 'Provider returned an invalid result', 'A provider answered with data that breaks the capability contract.'),
  CapabilityTimeout: define('CAPABILITY_TIMEOUT', 'timeout', 'Capability timed out', 'A provider did not answer within its time limit.'),
  CapabilityNotInvokable: define('CAPABILITY_NOT_INVOKABLE', 'validation', 'Capability runs as an execution', 'This capability starts work on targets; submit it with POST /api/v1/executions.'),
  PluginUnavailable: define('PLUGIN_UNAVAILABLE', 'unavailable', 'Plugin unavailable', 'The plugin is failed, unhealthy or shutting down.'),
  PluginNotFound: define('PLUGIN_NOT_FOUND', 'not_found', 'Plugin not found', 'No plugin of this name is loaded.'),
  PluginMisuse: define('PLUGIN_MISUSE', 'internal', 'Plugin misuse', 'A plugin broke the plugin contract at boot (unknown capability, undeclared capability, duplicate provider).'),
  Config: define('CONFIG_INVALID', 'validation', 'Invalid configuration', 'The configuration (defaults, YAML file, environment) does not match the schema.'),
  NodeNotFound: define('NODE_NOT_FOUND', 'not_found', 'Node not found', 'No inventory source knows a node of this name.'),
  GroupNotFound: define('GROUP_NOT_FOUND', 'not_found', 'Group not found', 'No inventory source knows a group of this name.'),
  TargetUnresolved: define('TARGET_UNRESOLVED', 'validation', 'Unknown target', 'A target names neither a node nor a group of the inventory.'),
  TargetInvalid: define('TARGET_INVALID', 'validation', 'Invalid target name', 'A target name is malformed (empty, starts with `-`, holds control characters).'),
  ExecutionNotFound: define('EXECUTION_NOT_FOUND', 'not_found', 'Execution not found', 'No execution has this id.'),
  ExecutionNotCancelable: define('EXECUTION_NOT_CANCELABLE', 'conflict', 'Execution already finished', 'The execution is in a terminal state and cannot be canceled.'),
  QueueFull: define('QUEUE_FULL', 'rate_limited', 'Execution queue full', 'The bounded execution queue is full; retry after the Retry-After delay.'),
  IdempotencyConflict: define('IDEMPOTENCY_KEY_CONFLICT', 'conflict', 'Idempotency-Key reused', 'The Idempotency-Key was used with a different request body within 24 hours.'),
  ExecutionFailed: define('EXECUTION_FAILED', 'execution_failed', 'Execution failed', 'The command, script or task ran and failed on the target (non-zero exit).'),
  ExecutionTimeout: define('EXECUTION_TIMEOUT', 'timeout', 'Execution timed out', 'The execution exceeded its timeout and was killed.'),
  Connect: define('TARGET_CONNECT_FAILED', 'unavailable', 'Connection to target failed', 'The target could not be reached (refused, unreachable, timeout connecting).'),
  // A target refusing Capstan is a gateway failure (502), not the API client's own 401/403.
  Auth: define('TARGET_AUTH_FAILED', 'unauthorized', 'Authentication to target failed', 'The target refused the credentials (HTTP 502 when a request fails on it).', 502),
  HostKey: define('TARGET_HOST_KEY_MISMATCH', 'forbidden', 'Host key verification failed', "The target's host key is unknown or does not match the known one (HTTP 502 when a request fails on it).", 502),
  ToolMissing: define('TOOL_NOT_INSTALLED', 'unavailable', 'Required tool not installed', 'A command-line tool the plugin drives is not installed or not on PATH.'),
  TaskNotFound: define('TASK_NOT_FOUND', 'not_found', 'Task or plan not found', 'The provider knows no task or plan of this name.'),
  NotImplemented: define('NOT_IMPLEMENTED', 'not_implemented', 'Not implemented', 'The provider does not implement this operation.'),
  Upstream: define('UPSTREAM_ERROR', 'unavailable', 'Upstream error', 'A tool or service the plugin drives answered with an error.'),
  Internal: define('INTERNAL', 'internal', 'Internal error', 'An unexpected error; details are in the server log under the request id.'),
  RecordNotFound: define('RECORD_NOT_FOUND', 'not_found', 'Record not found', 'No source knows a report, alert, deployment or provisioned resource with this id.'),
  StoreUnavailable: define('STORE_UNAVAILABLE', 'unavailable', 'Store unavailable', 'The execution store cannot be written right now (disk full, the database locked by another process, an I/O error). New runs are refused with a Retry-After header; reads keep working, and runs start again once the store accepts writes.'),
  StoreUnusable: define('STORE_DATA_UNUSABLE', 'unavailable', 'Store data unusable', 'At start: the database in dataDir is corrupt, truncated, cannot be opened, or is missing while its write-ahead log remains. The server does not start (exit status 2) and names the file and what to do; it never starts an empty history over lost data.'),
  OutputDocumentTooLarge: define('OUTPUT_DOCUMENT_TOO_LARGE', 'unavailable', 'Tool output document too large', 'A tool printed a structured document (one JSON line) larger than the configured bound; the plugin refuses to guess its content. Raise the plugin\'s maxDocumentBytes.'),
  JsonTooDeep: define('REQUEST_JSON_TOO_DEEP', 'validation', 'JSON body nested too deeply', 'The JSON body nests objects and arrays deeper than 64 levels (the top-level value counts as one).'),
  NotUnicode: define('REQUEST_NOT_UNICODE', 'validation', 'Body is not Unicode text', 'The body is not well-formed UTF-8, or a string or member name in it holds a lone UTF-16 surrogate escape such as `\\ud800`; `errors` names the value by JSON pointer.'),
  MalformedHttp: define('REQUEST_MALFORMED_HTTP', 'validation', 'Malformed HTTP request', 'The HTTP request could not be parsed (bad request line, a control character in a header, bad framing). Answered before routing: `instance` is the request target when it could be read (else `urn:capstan:request:<requestId>`), and the connection is closed.'),
  HeadersTooLarge: define('REQUEST_HEADERS_TOO_LARGE', 'validation', 'Request headers too large', 'The request line and headers exceed the server limit (16 KiB, Node\'s default; HTTP 431). The connection is closed.', 431),
  RequestTimeout: define('REQUEST_TIMEOUT', 'timeout', 'Request not received in time', 'The client did not send the complete request (headers and body) within the server\'s time limit (HTTP 408). The connection is closed.', 408),
  ExpectationFailed: define('REQUEST_EXPECTATION_FAILED', 'validation', 'Expectation not supported', 'The request carries an `Expect` header other than `100-continue`, which the server cannot meet (HTTP 417).', 417),
  ServerClosing: define('SERVER_CLOSING', 'unavailable', 'Server shutting down', 'The server is shutting down and takes no new requests; retry after the Retry-After delay (another instance, or this one once restarted). The connection is closed.'),
  MethodNotAllowed: define('METHOD_NOT_ALLOWED', 'validation', 'Method not allowed', 'The path exists but not with this method (HTTP 405); the `Allow` header lists the methods it has.', 405),
  NotAcceptable: define('NOT_ACCEPTABLE', 'validation', 'Not acceptable', 'The `Accept` header allows none of the media types the route can answer with (HTTP 406); `available` lists them.', 406),
  CapabilityNotProvided: define('CAPABILITY_NOT_PROVIDED', 'not_implemented', 'No plugin provides the capability', 'The capability is in the catalog but no enabled plugin provides it (HTTP 501): enable or install a plugin that does. Not worth retrying; when providers exist but are all down the answer is a 503 `CAPSTAN_ERR_CAPABILITY_NO_PROVIDER` with Retry-After instead.'),
  ProviderNotFound: define('PROVIDER_NOT_FOUND', 'not_found', 'Provider not found', '`?provider=` names no enabled plugin that provides this capability (an unknown plugin, a disabled one, or one without this capability).'),
  EnvironmentNotFound: define('ENVIRONMENT_NOT_FOUND', 'not_found', 'Environment not found', 'The configuration server has no code environment of this name.'),
  CatalogCompileFailed: define('CATALOG_COMPILE_FAILED', 'execution_failed', 'Catalog compile failed', 'The configuration server could not compile the node\'s catalog (a syntax or evaluation error in the code, missing node data); the detail is the server\'s own message (HTTP 502).'),
  CertificateNotFound: define('CERTIFICATE_NOT_FOUND', 'not_found', 'Certificate not found', 'The CA knows no certificate or certificate request of this name.'),
  CertificateStateConflict: define('CERTIFICATE_STATE_CONFLICT', 'conflict', 'Certificate state forbids the change', 'The CA refused the change in the certificate\'s current state (signing a signed certificate, revoking a request); the detail is the CA\'s message.'),
  HostNotAllowed: define('REQUEST_HOST_NOT_ALLOWED', 'validation', 'Host not allowed', 'The Host header names neither a loopback name (localhost, 127.0.0.0/8, [::1]), the listen address nor one of `allowedHosts` (a defence against DNS rebinding); HTTP 421. Add the name clients use to `allowedHosts`.', 421),
  TargetOutsideScope: define('AUTH_TARGET_OUTSIDE_SCOPE', 'forbidden', 'Target outside scope', 'The principal may use the capability, but not on these targets: no role of it that grants the capability covers them, or its token `scope` leaves them out; `targets` names them. Nothing was run.'),
  TokenNotFound: define('TOKEN_NOT_FOUND', 'not_found', 'Token not found', 'No API token has this id.'),
  RateLimited: define('RATE_LIMITED', 'rate_limited', 'Too many requests', 'The client sent more requests than the rate limit allows: more than `rateLimit.ipMax` per window from one IP (`limit: ipRequests`, any token or none), more than `rateLimit.max` with one authenticated token (`limit: requests`), or `rateLimit.authFailuresMax` failed authentications (401) from one IP (`limit: authFailures`), after which every request of that IP that needs a token is refused until the window ends, valid token or not. Nothing was run; retry after the `Retry-After` delay (seconds).'),
  ExecutionOutputPruned: define('EXECUTION_OUTPUT_PRUNED', 'not_found', 'Execution output pruned', 'The execution exists, but its output and per-target results were deleted by retention (`execution.retentionDays`, default 90 days after it finished; HTTP 410). `prunedAt` says when; the execution itself (GET /api/v1/executions/{id}, with `outputPrunedAt`) and its journal line are kept.', 410),
  AlertAcknowledgedByOther: define('ALERT_ACKNOWLEDGED_BY_OTHER', 'conflict', 'Acknowledged outside Capstan', 'The alert is acknowledged in its source by someone outside Capstan (not by Capstan\'s alert.acknowledge); alert.resolve takes back only Capstan\'s own acknowledgements, and sources that hold one acknowledgement per alert (Icinga) refuse to replace a person\'s. The detail names who acknowledged it; nothing was changed. Take it back in the source itself.'),
  StateLocked: define('PROVISION_STATE_LOCKED', 'conflict', 'Provisioning state locked', 'The provisioning tool\'s state (a Terraform or OpenTofu state) is locked by another process, outside this server\'s queue, and the lock was not released within the plugin\'s lock timeout (`-lock-timeout`). The detail names the holder (who, operation, since when) when the tool tells. Nothing was changed; retry once that operation ended, or remove a stale lock with `terraform force-unlock`.'),
  DeploymentFailed: define('DEPLOYMENT_FAILED', 'execution_failed', 'Deployment failed', 'The CI/CD tool ran the deployment and it did not succeed: a Jenkins build ended FAILURE or UNSTABLE, a GitLab pipeline failed, a GitHub workflow run concluded other than success. The detail gives the tool\'s own status and the link to its run; the log is in the execution\'s output.'),
  DeploymentBlocked: define('DEPLOYMENT_BLOCKED', 'conflict', 'Deployment waits for a person', 'The pipeline stopped at a step that needs someone in the CI/CD tool (a GitLab `manual` job or protected environment approval, a GitHub environment review, a Jenkins input step) and did not go on within the run\'s timeout. Nothing was rolled back; approve it in the tool, or cancel it there.'),
  PlanStale: define('PROVISION_PLAN_STALE', 'conflict', 'Saved plan is stale', 'The saved plan named by `approvePlan` can no longer be applied: the state changed since it was made (the tool reports a stale plan), or it is not the pending plan of this resource. Nothing was applied; submit provision.create again without `approvePlan` to make and review a new plan.'),
} as const;

/** Wraps anything thrown into a CapstanError (unknown errors become `internal`). */
export function toCapstanError(err: unknown): CapstanError {
  if (err instanceof CapstanError) return err;
  return new Errors.Internal(err instanceof Error ? err.message : String(err), { cause: err });
}
