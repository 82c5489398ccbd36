/**
 * Named schemas of the API resources themselves (executions, plugins, catalog, health, queue), registered
 * once with addSchema next to the capability contracts' shared schemas.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { MAX_TIMER_SECONDS } from '../config/schema.js';
import { ERROR_CATEGORIES } from '../core/errors.js';
import { EXECUTION_STATUSES, STREAM_EVENT_TYPES } from '../execution/states.js';
import { problemEvent, sseEvent } from '../execution/sse.js';
import { Group, Node, SourceStatus, TargetResult, TargetSelection, anyObject, dateTime, nextCursor, ref } from '../capabilities/common.js';
import { JournalEntry } from '../capabilities/journal.js';

const lit = (values: readonly string[]) => Type.Unsafe<string>({ type: 'string', enum: [...values] });

export const ExecutionStatus = Type.Unsafe<(typeof EXECUTION_STATUSES)[number]>({
  $id: 'ExecutionStatus', type: 'string', enum: [...EXECUTION_STATUSES],
  description: 'queued -> running -> succeeded | failed | partial | canceled | timed_out | interrupted (after a server crash).',
});

export const ExecutionCreate = Type.Object({
  capability: Type.String({ pattern: '^[a-z]+\\.[a-z]+$', description: 'An execution-mode capability, e.g. command.execute.' }),
  targets: ref(TargetSelection),
  params: anyObject({ description: "The capability's params (see its contract in GET /api/v1/capabilities/{name}). Params the contract marks `x-sensitive` (e.g. `env`) or `x-sensitive-keys` are write-only: the run gets them, answers show `***`." }),
  timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_TIMER_SECONDS, description: 'Server-enforced timeout; default from config (3600); at most execution.maxTimeoutSeconds.' })),
  provider: Type.Optional(Type.String({
    pattern: '^[a-z][a-z0-9_-]{0,63}$',
    description: 'The plugin that runs it (e.g. `ansible` where ansible, bolt and ssh all provide command.execute for the targets); it must provide the capability '
      + '(404), be available (503) and know every target (400). Absent: the highest-priority available provider that knows every target runs it, else each '
      + 'node goes to the highest-priority provider that knows it. The execution\'s `provider` shows the choice.',
  })),
}, {
  $id: 'ExecutionCreate', additionalProperties: false,
  description: 'Starts work on targets. Send an Idempotency-Key header to make retries safe.',
  examples: [{ capability: 'command.execute', targets: ['localhost'], params: { command: 'uptime' }, timeoutSeconds: 600 }],
});

export const EmptyBody = Type.Object({}, {
  $id: 'EmptyBody', additionalProperties: false,
  description: 'The optional body of an action that takes no input (cancel, refresh): leave it out (a bare POST) or send `{}` as application/json.',
  examples: [{}],
});

/**
 * The route `body` of an action whose JSON body is optional. Fastify validates a body only against the schema
 * of its media type, so a request without one passes, while `{}` sent as JSON is checked against EmptyBody.
 * The document marks these bodies `required: false` (OPTIONAL_BODY_OPERATIONS in src/openapi/finish.ts).
 */
export function optionalEmptyBody() {
  return { content: { 'application/json': { schema: ref(EmptyBody) } } };
}

export const ExecutionLinks = Type.Object({
  self: Type.String(), stream: Type.String(), output: Type.String(), wait: Type.String(), cancel: Type.String(),
  reports: Type.Optional(Type.String({
    description: 'Capabilities whose runs send reports (puppet.run), once started: GET /api/v1/reports for the run\'s nodes, started '
      + 'at or after the run started (and before it finished; for runs on more than 100 nodes, the reports of every node in that time). Each report appears once its source (PuppetDB) has stored it.',
  })),
}, { $id: 'ExecutionLinks', description: 'Where to follow the execution.' });

export const QueueInfo = Type.Object({
  position: Type.Integer({ minimum: 1 }),
  reason: lit(['global_cap', 'node_busy']),
  waitingFor: Type.Optional(Type.Array(Type.String(), { description: 'Busy nodes it waits for.' })),
}, { $id: 'QueueInfo', description: 'Why a queued execution waits and its place in line.' });

export const Execution = Type.Object({
  id: Type.String(),
  capability: Type.String(),
  status: ref(ExecutionStatus),
  targets: Type.Array(Type.String(), { description: 'Targets as requested.' }),
  nodes: Type.Array(Type.String(), { description: 'Nodes the targets expanded to.' }),
  params: anyObject({ description: 'The params as submitted, except secrets: values the contract marks `x-sensitive` (every `env` value) or `x-sensitive-keys` read `***`, for every caller.' }),
  provider: Type.Union([Type.String(), Type.Null()], { description: 'Plugin(s) that ran it (comma-separated when the targets were split); while queued, the provider named at submit, if any.' }),
  timeoutSeconds: Type.Integer(),
  createdAt: dateTime(),
  startedAt: Type.Union([dateTime(), Type.Null()]),
  finishedAt: Type.Union([dateTime(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()], { description: 'Why it ended so (cancel, timeout, restart).' }),
  principal: Type.String({ description: 'Who submitted it (token name, or `anonymous` with auth off).' }),
  results: Type.Array(ref(TargetResult), { description: 'Per-target results; empty once retention pruned them (see `outputPrunedAt`).' }),
  outputPrunedAt: Type.Optional(dateTime({ description: 'Present once retention (`execution.retentionDays`) deleted the output and results of this finished run: its output and stream routes answer 410.' })),
  queue: Type.Optional(ref(QueueInfo)),
  links: ref(ExecutionLinks),
}, { $id: 'Execution', description: 'One run of an execution-mode capability on targets.' });

export const ExecutionList = Type.Object({
  items: Type.Array(ref(Execution)), nextCursor: nextCursor(),
}, { $id: 'ExecutionList' });

export const OutputEvent = Type.Object({
  seq: Type.Integer({ minimum: 1, description: 'Sequence number; the SSE id.' }),
  type: lit(STREAM_EVENT_TYPES),
  at: dateTime(),
  data: anyObject({
    description: '`OutputPiece` (`{target, line, partial?}`) for stdout/stderr; `{target, message}` for notice; a TargetResult for '
      + 'target_result; `{status, reason?}` for status; `{limitBytes, message}` for truncated.',
  }),
}, { $id: 'OutputEvent', description: 'One stored event of an execution.' });

export const OutputPiece = Type.Object({
  target: Type.String({ description: 'Node name (`bolt` for the Bolt CLI\'s own messages).' }),
  line: Type.String({ description: 'Text of the piece, without its newline (a CR before it, as in CRLF, is kept: the text is exact).' }),
  partial: Type.Optional(Type.Literal(true, {
    description: 'Present (true) when no newline followed this text yet: a prompt, a `\\r` progress bar, a line over 64 KiB, or the '
      + 'last text of a stream without a final newline. It is sent at most execution.partialLineFlushMs (200 ms) after it was printed; '
      + 'the next piece of the same target and stream continues the same line. Joining the pieces, with a newline after each piece '
      + 'without `partial`, gives the output exactly once.',
  })),
}, {
  $id: 'OutputPiece',
  description: 'The data of a stdout or stderr event: one whole line, or a partial piece of a line still being printed.',
  examples: [{ target: 'web1', line: 'waiting for the lock... ', partial: true }, { target: 'web1', line: 'acquired' }],
});

export const NoticeData = Type.Object({
  target: Type.String(),
  message: Type.String({ description: 'What the server did on the target\'s behalf, in one sentence.' }),
}, {
  $id: 'NoticeData',
  description: 'The data of a notice event: e.g. processes that still held the output after the command exited were ended, or processes could not be ended.',
  examples: [{ target: 'web1', message: 'the command exited but 1 process(es) still held its output after 2 s; 1 ended (SIGTERM, then SIGKILL after 5 s)' }],
});

export const OutputPage = Type.Object({
  items: Type.Array(ref(OutputEvent)),
  nextCursor: nextCursor(),
  complete: Type.Boolean({ description: 'True when the execution is terminal and this page reaches its end.' }),
}, { $id: 'OutputPage' });

const seqId = Type.String({ pattern: '^[0-9]+$', description: 'The sequence number (`id:`): resume with Last-Event-ID or ?after=.' });

export const StartData = Type.Object({
  capability: Type.String(), targets: Type.Array(Type.String()), nodes: Type.Array(Type.String()), startedAt: dateTime(),
}, { $id: 'StartData', description: 'The data of a start event: what runs where.' });

export const StatusData = Type.Object({
  status: ref(ExecutionStatus),
  reason: Type.Optional(Type.String({ description: 'Why it ended so (cancel, timeout, restart).' })),
}, { $id: 'StatusData', description: 'The data of a status event: the execution entered this status.' });

export const TruncatedData = Type.Object({
  limitBytes: Type.Integer(), message: Type.String(),
}, { $id: 'TruncatedData', description: 'The data of a truncated event: output past execution.maxOutputBytes was dropped.' });

export const CompleteData = Type.Object({
  status: ref(ExecutionStatus),
  finishedAt: dateTime(),
  results: Type.Array(Type.Object({ target: Type.String(), status: Type.String(), exitCode: Type.Union([Type.Integer(), Type.Null()]) })),
}, { $id: 'CompleteData', description: 'The data of the complete event, the last one of a run: its final status and per-target results.' });

export const StreamEventDoc = Type.Unsafe<{ id?: string; event: string; data: string }>({
  $id: 'StreamEvent',
  description: 'One event of an execution stream, as an object: `id:` (the sequence number), `event:` and `data:`, a JSON text whose '
    + 'payload depends on the event (see each `data.contentSchema`): start, stdout/stderr (an OutputPiece: a line still being printed '
    + 'arrives as a `partial` piece within 200 ms), notice, target_result, status, truncated, complete (the last). A stream that fails '
    + 'after it started ends with `event: problem` (no id). `: heartbeat` comments every 15 s are not events.',
  oneOf: [
    sseEvent(['start'], ref(StartData), seqId),
    sseEvent(['stdout', 'stderr'], ref(OutputPiece), seqId),
    sseEvent(['notice'], ref(NoticeData), seqId),
    sseEvent(['target_result'], ref(TargetResult), seqId),
    sseEvent(['status'], ref(StatusData), seqId),
    sseEvent(['truncated'], ref(TruncatedData), seqId),
    sseEvent(['complete'], ref(CompleteData), seqId),
    problemEvent(),
  ],
});

export const QueueState = Type.Object({
  concurrency: Type.Integer(), perNodeConcurrency: Type.Integer(), maxQueued: Type.Integer(),
  running: Type.Array(Type.Object({ id: Type.String(), nodes: Type.Array(Type.String()) })),
  queued: Type.Array(Type.Object({
    id: Type.String(), nodes: Type.Array(Type.String()), position: Type.Integer(),
    reason: lit(['global_cap', 'node_busy']), waitingFor: Type.Optional(Type.Array(Type.String())),
  })),
}, { $id: 'QueueState', description: 'What runs and what waits, and why.' });

export const PluginHealth = Type.Object({
  status: lit(['healthy', 'degraded', 'unhealthy']),
  message: Type.Optional(Type.String()),
  details: Type.Optional(anyObject()),
  checkedAt: Type.Union([dateTime(), Type.Null()]),
}, { $id: 'PluginHealth' });

export const PluginInfo = Type.Object({
  name: Type.String(), version: Type.String(), description: Type.String(),
  state: lit(['registered', 'initializing', 'ready', 'failed', 'disabled', 'stopped']),
  required: Type.Boolean(),
  integrationTypes: Type.Array(Type.String()),
  health: ref(PluginHealth),
  capabilities: Type.Array(Type.Object({ name: Type.String(), priority: Type.Integer() })),
  error: Type.Optional(Type.String()),
}, { $id: 'PluginInfo', description: 'A plugin, its lifecycle state, health and capabilities.' });

export const PluginList = Type.Object({ items: Type.Array(ref(PluginInfo)), nextCursor: nextCursor() }, { $id: 'PluginList' });

export const CapabilityInfo = Type.Object({
  name: Type.String(), category: Type.String(), description: Type.String(),
  mode: lit(['query', 'execution']),
  riskLevel: lit(['read', 'write', 'execute', 'admin']),
  requiredPermissions: Type.Array(Type.String()),
  providers: Type.Array(Type.Object({ plugin: Type.String(), priority: Type.Integer(), available: Type.Boolean() })),
  paramsSchema: Type.String({ description: 'Name of the params schema (components/schemas).' }),
  resultSchema: Type.String({ description: 'Name of the result schema (components/schemas).' }),
}, { $id: 'CapabilityInfo', description: 'A capability of the catalog with its providers by priority.' });

export const CapabilityList = Type.Object({ items: Type.Array(ref(CapabilityInfo)), nextCursor: nextCursor() }, { $id: 'CapabilityList' });

export const InvokeResult = Type.Object({
  capability: Type.String(),
  provider: Type.String({ description: 'Plugin that answered.' }),
  result: Type.Unknown({ description: "The capability's result (its contract's result schema)." }),
}, { $id: 'InvokeResult' });

export const AggregateResult = Type.Object({
  capability: Type.String(),
  items: Type.Array(Type.Object({ source: Type.String(), result: Type.Unknown() })),
  sources: Type.Array(ref(SourceStatus)),
}, { $id: 'AggregateResult', description: 'Answers of every provider, with per-source status.' });

export const NodePage = Type.Object({
  items: Type.Array(ref(Node)), nextCursor: nextCursor(), sources: Type.Array(ref(SourceStatus)),
}, { $id: 'NodePage' });

export const NodeDetail = Type.Composite([Node, Type.Object({ sourceStatus: Type.Optional(Type.Array(ref(SourceStatus))) })], {
  $id: 'NodeDetail', description: 'A node; `sourceStatus` tells how each source answered.',
});

export const GroupPage = Type.Object({
  items: Type.Array(ref(Group)), nextCursor: nextCursor(), sources: Type.Array(ref(SourceStatus)),
}, { $id: 'GroupPage' });

export const JournalPage = Type.Object({
  items: Type.Array(ref(JournalEntry)),
  nextCursor: nextCursor(),
  sources: Type.Array(ref(SourceStatus), { description: 'How each journal source answered (`capstan`: the stored entries; plugins: live sources).' }),
}, { $id: 'JournalPage', description: 'A page of a journal timeline, newest first, merged across sources.' });

export const Health = Type.Object({
  status: lit(['ok', 'unavailable']),
  checks: Type.Optional(Type.Object({
    store: Type.Unsafe<string>({
      type: 'string', enum: ['ok', 'down', 'failing'],
      description: '`down`: the store cannot be read; `failing`: it is read but writes fail (new runs get 503; runs whose writes cannot be made end `failed`).',
    }),
    storeError: Type.Optional(Type.String({ description: 'Why store writes fail (`disk full`, `database is locked by another process`, ...).' })),
    storeFailingSince: Type.Optional(dateTime()),
    requiredPluginsDown: Type.Array(Type.String()),
  })),
}, { $id: 'Health' });

export const ErrorCategoryDoc = Type.Unsafe<string>({ $id: 'ErrorCategory', type: 'string', enum: [...ERROR_CATEGORIES] });

export const API_SCHEMAS: TSchema[] = [
  ExecutionStatus, ExecutionCreate, ExecutionLinks, QueueInfo, Execution, ExecutionList, OutputEvent, OutputPiece, NoticeData, OutputPage,
  StartData, StatusData, TruncatedData, CompleteData, StreamEventDoc,
  QueueState, PluginHealth, PluginInfo, PluginList, CapabilityInfo, CapabilityList, InvokeResult, AggregateResult,
  NodePage, NodeDetail, GroupPage, JournalPage, Health, ErrorCategoryDoc, EmptyBody,
];
