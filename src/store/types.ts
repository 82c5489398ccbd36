/**
 * Repository interfaces of the store. SQLite (better-sqlite3) implements them today; a PostgreSQL
 * implementation only has to satisfy these. All calls are synchronous on purpose: better-sqlite3 is, and
 * appends must be ordered with the events they record.
 */
import type { ExecutionStatus, StreamEventType } from '../execution/states.js';
import type { TargetOutcome } from '../core/types.js';

export interface ExecutionRow {
  id: string;
  capability: string;
  status: ExecutionStatus;
  /** Targets as requested (node and group names). */
  targets: string[];
  /** Node names the targets expanded to. */
  nodes: string[];
  params: unknown;
  provider: string | null;
  timeoutSeconds: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** Why it ended as it did (canceled by, interrupted by restart, timeout). */
  reason: string | null;
  idempotencyKey: string | null;
  requestHash: string | null;
  principal: string;
  /** The API token that submitted it (null: a configured token, auth off). */
  tokenId?: string | null;
  correlationId: string;
  /** Monotonic admission order, used to re-queue in order after a restart. */
  seq: number;
  /** When retention deleted its output and results (ISO); null while they are kept. */
  prunedAt?: string | null;
}

/** One batch of execution retention. */
export interface PruneResult {
  /** Rows deleted or marked (at most about the batch size; fewer: nothing is left to prune). */
  rows: number;
  /** Runs whose pruning finished in this batch (marked `prunedAt`). */
  executions: number;
}

export interface TargetResultRow extends TargetOutcome {
  executionId: string;
}

export interface StoredEvent {
  executionId: string;
  /** Per-execution sequence number, starting at 1; the SSE `id:`. */
  seq: number;
  type: StreamEventType;
  data: Record<string, unknown>;
  at: string;
}

export interface ExecutionFilter {
  status?: ExecutionStatus[];
  capability?: string;
  /** Family prefix, e.g. `command` for command.execute. */
  type?: string;
  node?: string;
  since?: string;
  until?: string;
}

/** A stored journal entry (Capstan's own: runs, fact changes, notes). */
export interface JournalRow {
  id: number;
  node: string;
  at: string;
  kind: string;
  executionId: string | null;
  /** Who did it (a run's or a note's principal), when known. */
  principal: string | null;
  summary: string;
  data: unknown;
  /** Related API paths by name (`execution`, ...). */
  links: Record<string, string>;
}

/** Criteria of a journal read; all given must match. */
export interface JournalFilter {
  nodes?: string[];
  kinds?: string[];
  /** ISO time, inclusive. */
  since?: string;
  /** ISO time, exclusive. */
  until?: string;
  /** Substring of the summary, ASCII case folded. */
  q?: string;
}

/** A keyset position in the newest-first order: the last entry of the previous page. */
export interface JournalPosition {
  at: string;
  id: number;
}

export interface JournalRepository {
  append(e: Omit<JournalRow, 'id'>): JournalRow;
  /** Newest first by (at, id), after `before` in that order. */
  list(f: JournalFilter, limit: number, before?: JournalPosition): JournalRow[];
  /** Oldest first by id: the entries appended after `afterId` (following the journal). */
  after(f: JournalFilter, afterId: number, limit: number): JournalRow[];
  /** The id of the newest entry (0: none). */
  lastId(): number;
  /** The facts last gathered for a node (to tell what changed), if any. */
  lastFacts(node: string): Record<string, unknown> | undefined;
  keepFacts(node: string, at: string, facts: Record<string, unknown>): void;
  /** Deletes up to `batch` of the oldest entries before `before` (ISO); returns how many. */
  prune(before: string, batch: number): number;
}

export interface ProcessRow {
  executionId: string;
  pgid: number;
  bootId: string | null;
  startTicks: string | null;
  /** The process's cgroup scope (null in the process-group fallback). */
  cgroup: string | null;
  /** CAPSTAN_RUN value in the environment of the scope's processes. */
  cookie: string | null;
}

/** An API token as stored: never its secret, only the secret's SHA-256 (hex). */
export interface ApiTokenRow {
  id: string;
  name: string;
  /** Who created it (the creating principal's id). */
  owner: string;
  roles: string[];
  /** Permission strings that narrow what the roles grant; null: no narrowing. */
  scope: string[] | null;
  secretHash: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  /** Creation order (list cursor). */
  seq: number;
}

/** API tokens (/api/v1/tokens and the bearer check). */
export interface TokenRepository {
  create(row: Omit<ApiTokenRow, 'seq' | 'lastUsedAt' | 'revokedAt'>): ApiTokenRow;
  byHash(secretHash: string): ApiTokenRow | undefined;
  byId(id: string): ApiTokenRow | undefined;
  /** Oldest first; cursor is the `seq` to continue after. */
  list(limit: number, afterSeq?: number): ApiTokenRow[];
  /** Sets revoked_at unless already set; false when no token has this id. */
  revoke(id: string, at: string): boolean;
  /** Changes roles, scope or expiry (a revoked token keeps its revocation); undefined when no token has this id. */
  update(id: string, patch: Partial<Pick<ApiTokenRow, 'roles' | 'scope' | 'expiresAt'>>): ApiTokenRow | undefined;
  touch(id: string, at: string): void;
  /** Every token ever stored, revoked and expired ones included. */
  count(): number;
  /** Runs fn in one transaction: a throw undoes its writes. */
  transaction(fn: () => void): void;
}

/**
 * One audit record as appended (src/audit/actions.ts names the actions and outcomes). Never a secret: params
 * only as `paramsDigest`, tokens by id and name.
 */
export interface AuditEntry {
  /** ISO time; default: now. */
  at?: string;
  action: string;
  outcome: string;
  /** The authenticated principal's id (token name); null when the request was not authenticated. */
  principal: string | null;
  /** The API token involved (the caller's, or the one created/revoked/changed); null for config tokens. */
  tokenId?: string | null;
  capability?: string | null;
  /** Targets as requested (node and group names). */
  targets?: string[] | null;
  /** SHA-256 (hex) of the canonical JSON of the params with their secrets redacted. */
  paramsDigest?: string | null;
  executionId?: string | null;
  sourceIp?: string | null;
  requestId?: string | null;
  method?: string | null;
  /** Route pattern (or the path of an unmatched request), never the query string. */
  path?: string | null;
  /** HTTP status answered. */
  status?: number | null;
  /** Problem code of a refusal (`CAPSTAN_ERR_...`). */
  code?: string | null;
  detail?: string | null;
}

/** An audit record as stored: every field present, `seq` its order. */
export type AuditRow = { [K in keyof AuditEntry]-?: Exclude<AuditEntry[K], undefined> } & { seq: number; at: string };

export interface AuditFilter {
  action?: string;
  principal?: string;
  outcome?: string;
  /** ISO time, inclusive. */
  since?: string;
  /** ISO time, exclusive. */
  until?: string;
  executionId?: string;
}

/** The append-only audit trail (the table refuses UPDATE and DELETE). */
export interface AuditRepository {
  append(entry: AuditEntry): AuditRow;
  /** Newest first; cursor is the `seq` to continue below. */
  list(filter: AuditFilter, limit: number, beforeSeq?: number): AuditRow[];
}

/** An alert webhook subscription as stored (migration 0011). */
export interface AlertSubscriptionRow {
  id: number;
  receiverUrl: string;
  /** The AlertFilter, null: every alert. */
  filter: Record<string, unknown> | null;
  /** HMAC-SHA256 key of the X-Capstan-Signature header; null: unsigned. Never answered. */
  secret: string | null;
  createdAt: string;
  createdBy: string;
  deletedAt: string | null;
  delivered: number;
  failures: number;
  lastAttemptAt: string | null;
  lastStatus: string | null;
}

/** One webhook delivery not yet accepted: the JSON body to POST and how many changes it carries. */
export interface AlertDeliveryRow {
  id: number;
  subscriptionId: number;
  body: string;
  changes: number;
  attempts: number;
  createdAt: string;
  nextAttemptAt: string;
}

/** Alert webhook subscriptions and their pending deliveries. */
export interface AlertSubscriptionRepository {
  create(row: Pick<AlertSubscriptionRow, 'receiverUrl' | 'filter' | 'secret' | 'createdAt' | 'createdBy'>): AlertSubscriptionRow;
  get(id: number): AlertSubscriptionRow | undefined;
  /** Subscriptions not deleted, oldest first. */
  active(): AlertSubscriptionRow[];
  /** Marks it deleted and drops its pending deliveries; false when unknown or already deleted. */
  delete(id: number, at: string): boolean;
  /**
   * Queues changes for a subscription not deleted (nothing for a deleted one). While an earlier delivery is
   * pending, the changes join the newest delivery not yet attempted (up to `maxChanges` per delivery), so a
   * receiver that is down gets a few large deliveries rather than one per pass.
   */
  enqueue(subscriptionId: number, changes: unknown[], at: string, maxChanges?: number): void;
  /** The oldest pending delivery of each subscription not deleted, when due at `now` (ISO), oldest first. */
  due(now: string, limit: number): AlertDeliveryRow[];
  /** The receiver accepted it: the delivery is gone, the subscription's counters move on. */
  delivered(delivery: AlertDeliveryRow, at: string): void;
  /** The receiver refused or could not be reached: retry at `nextAt`, or (nextAt null) give the delivery up. */
  failed(delivery: AlertDeliveryRow, status: string, at: string, nextAt: string | null): void;
  /** Pending deliveries of a subscription. */
  pending(subscriptionId: number): number;
  /** The alerts of `source` the follower last handed on (not resolved), as stored JSON objects. */
  known(source: string): Record<string, unknown>[];
  /** Records what was handed on: a resolved alert is forgotten, any other is kept with its state. */
  remember(alerts: { source: string; id: string; state: string }[]): void;
  /** Replaces every known alert of `source` (after comparing a whole look at it). */
  replaceKnown(source: string, alerts: { id: string; state: string }[]): void;
}

export interface Store {
  /** Alert webhook subscriptions (alert.subscribe). */
  readonly alertSubscriptions: AlertSubscriptionRepository;
  /** API tokens (hash only). */
  readonly tokens: TokenRepository;
  /** The stored node journal. */
  readonly journal: JournalRepository;
  /** The audit trail. */
  readonly audit: AuditRepository;
  /**
   * Inserts a queued execution; when the idempotency key exists (within the window) returns the existing one.
   * `audit`, when given, makes the audit record of the outcome (the row inserted or the one found by its key),
   * appended in the same transaction: an execution never exists without its audit record, and a record never
   * names an execution that was not written.
   */
  createExecution(row: Omit<ExecutionRow, 'seq'>, idempotencySince?: string, audit?: (row: ExecutionRow, created: boolean) => AuditEntry): { row: ExecutionRow; created: boolean };
  /** Runs fn in one transaction (a throw undoes its writes) and returns what it returns. */
  transaction<T>(fn: () => T): T;
  getExecution(id: string): ExecutionRow | undefined;
  /** The newest execution created with this key since `since` (ISO time). */
  findByIdempotencyKey(key: string, since: string): ExecutionRow | undefined;
  /** Newest first; cursor is the `seq` to continue below. */
  listExecutions(filter: ExecutionFilter, limit: number, beforeSeq?: number): ExecutionRow[];
  listByStatus(statuses: ExecutionStatus[]): ExecutionRow[];
  updateExecution(id: string, patch: Partial<Pick<ExecutionRow, 'status' | 'startedAt' | 'finishedAt' | 'reason' | 'provider' | 'nodes' | 'params'>>): void;
  /**
   * Makes replaced or deleted data unreadable in the files too (secure_delete zeroes it in the database;
   * a checkpoint truncates the write-ahead log that still holds the old pages). Best effort: a checkpoint
   * that cannot run now (a reader holds the log) is left to the next one.
   */
  wipeFreed(): void;
  upsertTargetResult(r: TargetResultRow): void;
  targetResults(executionId: string): TargetResultRow[];
  /** Appends an event and returns its sequence number. */
  appendEvent(executionId: string, type: StreamEventType, data: Record<string, unknown>): StoredEvent;
  readEvents(executionId: string, afterSeq: number, limit: number): StoredEvent[];
  lastSeq(executionId: string): number;
  /** Process groups a running execution started (removed when they end). */
  addProcess(p: ProcessRow): void;
  removeProcess(executionId: string, pgid: number): void;
  processes(executionId: string): ProcessRow[];
  /**
   * Retention: in one transaction of about `batch` rows, deletes the output events, target results and process
   * records of terminal runs that finished before `before` (ISO), and marks each run done with `prunedAt = at`.
   * The execution rows (and their journal lines) stay. `rows < batch` in the answer: nothing is left to prune.
   */
  pruneExecutions(before: string, batch: number, at: string): PruneResult;
  /** One small real write (same lock, same disk); throws when the store cannot be written. */
  probeWrite(): void;
  /** Cheap liveness probe for /health/ready. */
  ping(): boolean;
  close(): void;
}
