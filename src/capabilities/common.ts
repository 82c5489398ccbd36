/**
 * Shared named schemas of the capability contracts and the `ref()` helper.
 *
 * Every schema here has a PascalCase `$id`, is registered once (Fastify `addSchema`, the registry's Ajv) and
 * is referenced everywhere else through `ref(S)`, so the OpenAPI document gets one named component per type
 * instead of inline copies. The family record types (Report, Event, Alert, ...) are in records.ts.
 */
import { Type, type Static, type TSchema, type TUnsafe, type SchemaOptions } from '@sinclair/typebox';
import { ERROR_CATEGORIES, PROBLEM_TYPE_BASE, problemType, type ErrorCategory } from '../core/errors.js';
import type { CapabilityContract } from '../core/types.js';

/**
 * A typed `$ref` to a shared schema by its `$id`. A plain `Type.Ref` types as `unknown`, and passing the
 * schema object inline would duplicate it in the OpenAPI document.
 */
export function ref<S extends TSchema>(schema: S): TUnsafe<Static<S>> {
  if (!schema.$id) throw new Error('ref() needs a schema with an $id');
  return Type.Unsafe<Static<S>>(Type.Ref(schema.$id));
}

/**
 * Builds a contract: `category` is the part of the name before the dot and `requiredPermissions` defaults
 * to the capability name itself.
 */
export function defineContract<P extends TSchema, R extends TSchema>(
  c: Omit<CapabilityContract<P, R>, 'category' | 'requiredPermissions'> & { requiredPermissions?: string[] },
): CapabilityContract<P, R> {
  const category = c.name.split('.')[0];
  return { ...c, category, requiredPermissions: c.requiredPermissions ?? [c.name] };
}

/**
 * A string that is one of `values`: one JSON Schema `enum`, typed as the union of the values. Use it instead
 * of `Type.Union([Type.Literal(...), ...])`, which the document shows as an `anyOf` of one-value schemas
 * (Swagger UI's dropdown then offers only the first value, and generated clients get no enum type).
 */
export function stringEnum<const T extends readonly string[]>(values: T, options: SchemaOptions = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/**
 * An object of string values whose keys match `keyPattern`. TypeBox's `Type.Record` puts the key pattern in
 * `patternProperties`, which @fastify/swagger turns into `additionalProperties` (the pattern is lost from
 * the document); `propertyNames` keeps it, in the document and in validation.
 */
export function patternStringMap(keyPattern: string, value: SchemaOptions, options: SchemaOptions = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({
    type: 'object', propertyNames: { pattern: keyPattern }, additionalProperties: { type: 'string', ...value }, ...options,
  });
}

/** A free-form JSON object (`additionalProperties: true`), typed as a record. */
export function anyObject(options: SchemaOptions = {}): TUnsafe<Record<string, unknown>> {
  return Type.Unsafe<Record<string, unknown>>({ type: 'object', additionalProperties: true, ...options });
}

/** An object of string values (labels, tags, fact filters). */
export function stringMap(options: SchemaOptions = {}): TUnsafe<Record<string, string>> {
  return Type.Unsafe<Record<string, string>>({ type: 'object', additionalProperties: { type: 'string' }, ...options });
}

/** An ISO 8601 timestamp. */
export function dateTime(options: SchemaOptions = {}) {
  return Type.String({ format: 'date-time', ...options });
}

/** `limit` of a paginated read: 1..1000, default 100. */
export function limitParam(description = 'Maximum number of items to return.') {
  return Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description }));
}

/** `cursor` of a paginated read: the opaque `nextCursor` of the previous page. */
export function cursorParam() {
  return Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Opaque `nextCursor` of the previous page.' }));
}

/** `nextCursor` of a paginated answer: null on the last page. */
export function nextCursor() {
  return Type.Union([Type.String(), Type.Null()], { description: 'Cursor of the next page, or null on the last page.' });
}

/** The short error shape carried by per-source and per-target outcomes. */
export const ErrorSummary = Type.Object({
  category: Type.String({ description: `Error category: ${ERROR_CATEGORIES.join(', ')}.` }),
  code: Type.String({ description: 'Stable catalogue code, `CAPSTAN_ERR_<AREA>_<WHAT>`.' }),
  title: Type.String(),
  detail: Type.String(),
}, {
  $id: 'ErrorSummary',
  description: 'Category, code, title and detail of a failure (a reduced problem object).',
  examples: [{ category: 'unavailable', code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', title: 'Connection to target failed', detail: 'ssh: connect to host web1 port 22: Connection refused' }],
});

/** RFC 9457 problem details, the body of every error answer. */
export const Problem = Type.Object({
  type: Type.String({ format: 'uri', description: `The problem type: \`${PROBLEM_TYPE_BASE}\` + the code in lower case, its section of docs/errors.md. Compare it as an identifier (or read \`code\`).` }),
  title: Type.String({ description: 'Short summary of the problem type.' }),
  status: Type.Integer({ minimum: 100, maximum: 599, description: 'HTTP status code.' }),
  detail: Type.String({ description: 'What went wrong in this occurrence.' }),
  instance: Type.String({ description: 'The request path this problem occurred on.' }),
  category: Type.Unsafe<ErrorCategory>({ type: 'string', enum: [...ERROR_CATEGORIES], description: 'Error category.' }),
  code: Type.String({ pattern: '^CAPSTAN_ERR_[A-Z0-9_]+$', description: 'Stable catalogue code (docs/errors.md).' }),
  requestId: Type.String({ description: 'Request id, also on every log line of the request.' }),
  errors: Type.Optional(Type.Array(Type.Object({
    in: Type.Unsafe<'body' | 'query' | 'path' | 'header'>({
      type: 'string', enum: ['body', 'query', 'path', 'header'],
      description: 'The request part holding the offending value: the JSON body, the query string, a path parameter or a header.',
    }),
    pointer: Type.String({
      description: 'RFC 6901 JSON pointer into that part: into the JSON body as sent for `body` (`/params/command`, `""` for the whole body); '
        + 'into the object of the query, path or header values otherwise (`/limit`, `/id`, `/idempotency-key`).',
    }),
    message: Type.String(),
  }), { description: 'Each validation problem (category `validation`).' })),
  // Named by every documented 403: declared so generated clients type it rather than leave it to the index signature.
  missingPermissions: Type.Optional(Type.Array(Type.String(), { description: 'The permissions the token lacks (category `forbidden`, HTTP 403): a capability name, or `*` for a run on the server itself.' })),
}, {
  $id: 'Problem',
  additionalProperties: true,
  description: 'RFC 9457 problem details (application/problem+json).',
  examples: [{
    type: problemType('CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID'),
    title: 'Invalid capability parameters',
    status: 400,
    detail: "params of 'command.execute' do not match its contract: /params/command must NOT have fewer than 1 characters",
    instance: '/api/v1/executions',
    category: 'validation',
    code: 'CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID',
    requestId: 'req-1a2b3c',
    capability: 'command.execute',
    errors: [{ in: 'body', pointer: '/params/command', message: 'must NOT have fewer than 1 characters' }],
  }],
});

/** Per-source outcome of an aggregate read. */
export const SourceStatus = Type.Object({
  source: Type.String({ description: 'Plugin id of the source.' }),
  status: stringEnum(['ok', 'error', 'timeout']),
  durationMs: Type.Number({ minimum: 0 }),
  error: Type.Optional(ref(ErrorSummary)),
}, {
  $id: 'SourceStatus',
  description: 'How one source answered an aggregate read.',
  examples: [{ source: 'puppetdb', status: 'ok', durationMs: 42.5 }],
});

/** Where a node comes from and its id there. */
export const NodeSource = Type.Object({
  source: Type.String({ description: 'Plugin id of the inventory source.' }),
  id: Type.String({ description: "The node's id in that source (certname, inventory key, ...)." }),
}, {
  $id: 'NodeSource',
  description: 'One inventory source that knows a node, with the id it uses.',
  examples: [{ source: 'bolt', id: 'web1.example.com' }],
});

export const FactsSummary = Type.Object({
  osFamily: Type.Optional(Type.String()),
  osName: Type.Optional(Type.String()),
  osRelease: Type.Optional(Type.String()),
  kernel: Type.Optional(Type.String()),
  hostname: Type.Optional(Type.String()),
}, {
  $id: 'FactsSummary',
  description: 'The few facts shown with a node in listings.',
  examples: [{ osFamily: 'Debian', osName: 'Ubuntu', osRelease: '22.04', kernel: 'Linux', hostname: 'web1' }],
});

export const Node = Type.Object({
  id: Type.String({ description: 'Node id; equal to the inventory name.' }),
  name: Type.String({ description: 'Inventory name (what targets refer to).' }),
  uri: Type.Optional(Type.String({ description: 'Connection URI, e.g. ssh://web1.example.com:22.' })),
  alias: Type.Optional(Type.Array(Type.String(), { description: 'Other names the node answers to.' })),
  transport: Type.Optional(Type.String({ description: 'Transport used to reach it: local, ssh, winrm, docker, ...' })),
  groups: Type.Array(Type.String(), { description: 'Names of the groups the node belongs to.' }),
  sources: Type.Array(ref(NodeSource), { description: 'Every source that knows this node (linked by name).' }),
  vars: Type.Optional(anyObject({ description: 'Inventory variables.' })),
  facts: Type.Optional(ref(FactsSummary)),
}, {
  $id: 'Node',
  description: 'A managed host. Nodes seen by several sources are linked into one node by name; `sources` lists each.',
  examples: [{
    id: 'web1.example.com',
    name: 'web1.example.com',
    uri: 'ssh://web1.example.com',
    transport: 'ssh',
    groups: ['webservers'],
    sources: [{ source: 'bolt', id: 'web1.example.com' }, { source: 'puppetdb', id: 'web1.example.com' }],
    facts: { osFamily: 'Debian', osName: 'Ubuntu', osRelease: '22.04', kernel: 'Linux', hostname: 'web1' },
  }],
});

export const Group = Type.Object({
  name: Type.String(),
  targets: Type.Array(Type.String(), { description: 'Names of the member nodes.' }),
  groups: Type.Optional(Type.Array(Type.String(), { description: 'Names of child groups.' })),
  sources: Type.Array(Type.String(), { description: 'Plugin ids of the sources that define the group.' }),
}, {
  $id: 'Group',
  description: 'A named set of nodes, as defined by an inventory source.',
  examples: [{ name: 'webservers', targets: ['web1.example.com', 'web2.example.com'], sources: ['bolt'] }],
});

export const TargetSelection = Type.Array(
  Type.String({ minLength: 1, maxLength: 255, pattern: '^[^-@\\s][^\\s]*$' }),
  {
    $id: 'TargetSelection',
    minItems: 1,
    maxItems: 10000,
    description: "Targets: node names or group names, expanded through the inventory (Bolt's --targets semantics).",
    examples: [['web1.example.com', 'webservers']],
  },
);

export const TargetResult = Type.Object({
  target: Type.String({ description: 'Node name.' }),
  status: stringEnum(['succeeded', 'failed', 'canceled', 'timed_out', 'skipped']),
  exitCode: Type.Union([Type.Integer(), Type.Null()], { description: 'Exit code, or null when nothing exited; 128 + n when signal n killed the process (137 = SIGKILL), as a shell reports it.' }),
  signal: Type.Optional(Type.String({ pattern: '^SIG[A-Z0-9]+$', description: 'The signal that killed the top-level process, when the transport knows it (local targets).' })),
  value: Type.Optional(Type.Unknown({ description: 'Structured value for this target (task output, parsed result).' })),
  error: Type.Optional(ref(ErrorSummary)),
  durationMs: Type.Optional(Type.Number({ minimum: 0 })),
  changed: Type.Optional(Type.Boolean({ description: 'The run changed the target (capabilities whose exit codes say so, e.g. puppet.run: exit code 2 or 6).' })),
}, {
  $id: 'TargetResult',
  description: 'The outcome of an execution on one target.',
  examples: [
    { target: 'web1.example.com', status: 'succeeded', exitCode: 0, durationMs: 812 },
    {
      target: 'localhost', status: 'failed', exitCode: 137, signal: 'SIGKILL', durationMs: 2_310,
      error: { category: 'execution_failed', code: 'CAPSTAN_ERR_EXECUTION_FAILED', title: 'Command failed on the target', detail: 'killed by signal SIGKILL (exit code 137)' },
    },
    {
      target: 'web2.example.com', status: 'failed', exitCode: null, durationMs: 10_004,
      error: { category: 'unavailable', code: 'CAPSTAN_ERR_TARGET_CONNECT_FAILED', title: 'Connection to target failed', detail: 'Connection refused' },
    },
  ],
});

export const ExecutionResult = Type.Object({
  results: Type.Array(ref(TargetResult)),
}, {
  $id: 'ExecutionResult',
  description: 'What every execution-mode handler returns: one result per target.',
  examples: [{ results: [{ target: 'web1.example.com', status: 'succeeded', exitCode: 0 }] }],
});

export const Facts = Type.Object({
  node: Type.String({ description: 'Node name.' }),
  os: Type.Object({
    family: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    release: Type.Optional(Type.String()),
  }),
  kernel: Type.Optional(Type.String({ description: 'Kernel name, as `uname -s` and Facter\'s `kernel` say (`Linux`).' })),
  kernelRelease: Type.Optional(Type.String({ description: 'Kernel release, as `uname -r` and Facter\'s `kernelrelease` say (`6.1.0-28-amd64`).' })),
  hostname: Type.Optional(Type.String()),
  processors: Type.Optional(Type.Object({
    count: Type.Optional(Type.Integer({ minimum: 0 })),
    model: Type.Optional(Type.String()),
  })),
  memory: Type.Optional(Type.Object({ totalBytes: Type.Optional(Type.Integer({ minimum: 0 })) })),
  networking: Type.Optional(Type.Object({
    fqdn: Type.Optional(Type.String()),
    ipAddresses: Type.Optional(Type.Array(Type.String())),
    interfaces: Type.Optional(anyObject({ description: 'Interfaces by name, as the source reports them.' })),
  })),
  raw: Type.Optional(anyObject({ description: 'All facts as gathered (Facter, Ansible setup, ...).' })),
  gatheredAt: dateTime({ description: 'When the facts were gathered.' }),
  source: Type.Optional(Type.String({ description: 'Plugin id that gathered them.' })),
}, {
  $id: 'Facts',
  description: 'Normalized facts of a node, plus the raw facts as gathered.',
  examples: [{
    node: 'web1.example.com',
    os: { family: 'Debian', name: 'Ubuntu', release: '22.04' },
    kernel: 'Linux',
    kernelRelease: '5.15.0-100-generic',
    hostname: 'web1',
    processors: { count: 4, model: 'Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz' },
    memory: { totalBytes: 8_348_520_448 },
    networking: { fqdn: 'web1.example.com', ipAddresses: ['10.0.0.11'] },
    gatheredAt: '2026-11-25T10:00:00Z',
    source: 'facter',
  }],
});

/** The shared schemas of this file, each after the ones it references. */
export const COMMON_SCHEMAS = [
  ErrorSummary, Problem, SourceStatus, NodeSource, FactsSummary, Node, Group, TargetSelection, TargetResult, ExecutionResult, Facts,
];
