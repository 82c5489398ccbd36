/**
 * The shapes the ExecutionService works with: what a submit asks for, what the service depends on, and the
 * in-process state of a running execution (with the reason it ends with).
 */
import type { Logger } from 'pino';
import type { Config } from '../config/schema.js';
import type { CapabilityRegistry } from '../core/registry.js';
import type { AuditOrigin } from '../audit/record.js';
import type { Principal } from '../core/types.js';
import type { InventoryService } from '../inventory/aggregate.js';
import type { RoleBook } from '../core/roles.js';
import type { SecretScrubber } from '../observability/secret-scrubber.js';
import type { Store } from '../store/types.js';
import type { StoreWriteGuard } from '../store/write-guard.js';
import type { AbortReason } from './outcome.js';
import type { ExecutionObserver } from './observer.js';
import type { ExecutionQueue } from './queue.js';
import type { StreamHub } from './streaming.js';

export interface SubmitRequest {
  capability: string;
  targets: string[];
  params: Record<string, unknown>;
  timeoutSeconds?: number;
  /** The plugin that must run it (it must know every target); absent: chosen at start (ExecutionService.assignProviders). */
  provider?: string;
  idempotencyKey?: string;
  principal: Principal;
  /** The request id: the run's correlation id and its audit record's request id. */
  correlationId: string;
  /** Where the request came from, for the audit record (src/audit/record.ts); absent: recorded without. */
  origin?: Omit<AuditOrigin, 'requestId'>;
}

export interface Active {
  controller: AbortController;
  reason?: AbortReason;
  /** Why it ends as it will (cancel, timeout), kept here too: its store write may be held. */
  reasonText?: string;
  /** Set when the run's writes could not be made: its output from then on is dropped (counted). */
  store?: { cause: string; dropped: number };
  done: Promise<void>;
}

export interface ExecutionDeps {
  store: Store;
  /** Every write of a running execution goes through it (src/store/write-guard.ts). */
  guard: StoreWriteGuard;
  queue: ExecutionQueue;
  hub: StreamHub;
  registry: CapabilityRegistry;
  inventory: InventoryService;
  /** The server's roles: a queued run's API token is re-checked with them when the run starts. */
  roles: RoleBook;
  logger: Logger;
  config: Config['execution'];
  /** Log lines and metrics of each transition (src/execution/observer.ts). */
  observer?: ExecutionObserver;
  /** Holds each run's secret params while it runs, so log lines never show them. */
  secrets: SecretScrubber;
}

/** The reason a run ends with, from what happened to it in this process. */
export function endReason(a: Active): string | null {
  const store = a.store && `store write failed: ${a.store.cause}${a.store.dropped ? `; ${a.store.dropped} output piece(s) printed after that were not stored` : ''}`;
  const other = a.reasonText ?? (a.reason === 'shutdown' ? 'the server shut down while it was running' : undefined);
  return [store, other].filter(Boolean).join('; ') || null;
}
