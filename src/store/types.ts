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
  correlationId: string;
  /** Monotonic admission order, used to re-queue in order after a restart. */
  seq: number;
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

export interface JournalEntry {
  id: number;
  node: string;
  at: string;
  kind: string;
  executionId: string | null;
  summary: string;
  data: unknown;
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
  touch(id: string, at: string): void;
  /** Every token ever stored, revoked and expired ones included. */
  count(): number;
  /** Runs fn in one transaction: a throw undoes its writes. */
  transaction(fn: () => void): void;
}

export interface Store {
  /** API tokens (hash only). */
  readonly tokens: TokenRepository;
  /** Inserts a queued execution; when the idempotency key exists (within the window) returns the existing one. */
  createExecution(row: Omit<ExecutionRow, 'seq'>, idempotencySince?: string): { row: ExecutionRow; created: boolean };
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
  appendJournal(e: Omit<JournalEntry, 'id'>): void;
  listJournal(node: string, limit: number, beforeId?: number): JournalEntry[];
  /** Process groups a running execution started (removed when they end). */
  addProcess(p: ProcessRow): void;
  removeProcess(executionId: string, pgid: number): void;
  processes(executionId: string): ProcessRow[];
  /** One small real write (same lock, same disk); throws when the store cannot be written. */
  probeWrite(): void;
  /** Cheap liveness probe for /health/ready. */
  ping(): boolean;
  close(): void;
}
