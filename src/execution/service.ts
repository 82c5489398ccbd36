/**
 * ExecutionService: the only thing that starts a run. validate -> persist `queued` -> 202 -> queue -> run the
 * provider handlers with an ExecutionContext (emit + AbortSignal) -> store every line and target result with a
 * sequence number -> terminal state + journal. Cancel, timeout, restart recovery and shutdown live here.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Errors, fieldError, toCapstanError } from '../core/errors.js';
import { bootId, killStaleGroup, startTicks } from '../core/process-identity.js';
import { killRecordedScope, sweepEmptyCgroups } from '../core/process-scope.js';
import { trackProcesses, type ProcessTracker } from '../core/process-tracking.js';
import { authorize, SYSTEM_PRINCIPAL } from '../core/permissions.js';
import { authorizeRun, checkReplayOwner, runPrincipal } from './run-authorization.js';
import type { ExecutionContext, ExecutionEmit, ExitCodeRule, Principal, TargetNode, TargetOutcome } from '../core/types.js';
import type { ProviderEntry } from '../core/registry.js';
import { redactParams, secretParams } from '../capabilities/index.js';
import { secretMask } from '../observability/secret-scrubber.js';
import { executionFields, principalFields, submitEntry, type AuditOrigin } from '../audit/record.js';
import type { ExecutionRow, Store } from '../store/types.js';
import { failure, finalStatus, missingTargetStatus, type AbortReason } from './outcome.js';
import { endReason, type Active, type ExecutionDeps, type SubmitRequest } from './service-types.js';
import { createEmitter } from './emitter.js';
import { hash } from './fingerprint.js';
import { runEntries } from '../journal/execution-entries.js';
import { RunWrites } from './run-writes.js';
import { isTerminal, type ExecutionStatus } from './states.js';

export type { ExecutionDeps, SubmitRequest } from './service-types.js';

/**
 * A provider named at submit must know every node it is to run on (400 naming the others), except the nodes it
 * drives from this server (its `runsAsServer`: a deployment or provisioning tool acts for them, it does not
 * reach them through an inventory of its own).
 */
function checkProviderKnows(entry: ProviderEntry | undefined, provider: string, nodes: TargetNode[]): void {
  const unknown = nodes.filter((n) => !n.sources.some((s) => s.source === provider) && !entry?.capability.runsAsServer?.(n)).map((n) => n.name);
  if (unknown.length) {
    throw new Errors.Validation(`The provider '${provider}' does not know ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? ` and ${unknown.length - 5} more` : ''}: its inventory has no such node.`, {
      extra: { errors: [fieldError('body', '/provider', `does not know ${unknown.length} of the targets`)], targets: unknown },
    });
  }
}

/**
 * Which provider runs which nodes (`providers` best first): the first that knows every node runs them all;
 * otherwise each node goes to the first provider that knows it (the first one overall for nodes none knows).
 */
export function chooseProviders(providers: string[], nodes: TargetNode[]): Map<string, TargetNode[]> {
  const knows = (p: string, n: TargetNode) => n.sources.some((s) => s.source === p);
  const everywhere = providers.find((p) => nodes.every((n) => knows(p, n)));
  if (everywhere) return new Map([[everywhere, nodes]]);
  const out = new Map<string, TargetNode[]>();
  for (const node of nodes) {
    const provider = providers.find((p) => knows(p, node)) ?? providers[0];
    const list = out.get(provider);
    if (list) list.push(node); // not a copy per target: that was quadratic for a run on the whole fleet
    else out.set(provider, [node]);
  }
  return out;
}

export class ExecutionService {
  private readonly active = new Map<string, Active>();
  /** Runs ended in this process; late events of their providers are dropped. Bounded: oldest forgotten. */
  private readonly finished = new Set<string>();
  private closing = false;
  private readonly w: RunWrites;

  constructor(private readonly d: ExecutionDeps) {
    this.w = new RunWrites(d.store, d.hub, d.guard);
    d.guard.onOwnerFailed = (id, cause) => this.storeFailed(id, cause);
  }

  async submit(req: SubmitRequest): Promise<{ row: ExecutionRow; created: boolean }> {
    if (this.closing) throw new Errors.ServerClosing('The server is shutting down; submit again after it restarts.');
    const contract = this.d.registry.contract(req.capability);
    authorize(req.principal, contract);
    if (contract.mode !== 'execution') {
      throw new Errors.CapabilityNotInvokable(`'${req.capability}' is a query; call POST /api/v1/capabilities/${req.capability}/invoke.`, { extra: { capability: req.capability } });
    }
    const timeoutSeconds = req.timeoutSeconds ?? this.d.config.defaultTimeoutSeconds;
    const requestHash = hash({ capability: req.capability, targets: req.targets, params: req.params, timeoutSeconds, ...(req.provider ? { provider: req.provider } : {}) });
    if (req.idempotencyKey) {
      const existing = this.d.store.findByIdempotencyKey(req.idempotencyKey, this.idempotencySince());
      if (existing) {
        const row = this.checkReplay(existing, requestHash, req.principal);
        this.auditReplay(req, row);
        return { row, created: false };
      }
    }
    // The params are `/params` of every body that starts a run (executions, packages, deployments, provisioning).
    this.d.registry.validateParams(req.capability, req.params, { in: 'body', base: '/params' });
    // A named provider must exist, provide the capability and be up (404 / 503, as `?provider=` of an invoke).
    this.d.registry.available(req.capability, req.provider);
    if (contract.callerChoosesProvider && !req.provider) {
      const plugins = this.d.registry.providers(req.capability).map((p) => p.plugin);
      if (plugins.length > 1) {
        throw new Errors.Validation(`Several plugins provide ${req.capability} (${plugins.join(', ')}): name the one to use in \`provider\`.`, {
          extra: { errors: [fieldError('body', '/provider', `required: one of ${plugins.join(', ')}`)] },
        });
      }
    }
    const ctx = this.queryContext(req);
    const nodes = await this.d.inventory.resolveTargets(req.targets, ctx);
    if (nodes.length === 0) {
      throw new Errors.TargetUnresolved(`The targets ${req.targets.join(', ')} expand to no node.`, { extra: { targets: req.targets } });
    }
    if (req.provider) checkProviderKnows(this.d.registry.providers(req.capability).find((p) => p.plugin === req.provider), req.provider, nodes);
    // Roles limited to targets, token scopes, plans, runs as the server's own account (run-authorization.ts).
    await authorizeRun(this.d.inventory, req.principal, contract, nodes, this.d.registry.providers(req.capability), ctx);
    // The providers' own checks (a module's variables, a template that must exist), for a principal allowed to
    // run it: a 400 before anything is stored.
    // Only when a provider has such a check, and without the 503 of no provider being up (the run would
    // report that when it starts, as before).
    const entries = this.d.registry.providers(req.capability);
    if (entries.some((p) => p.capability.validate)) {
      const up = entries.filter((p) => p.isAvailable() && (!req.provider || p.plugin === req.provider)).map((p) => p.plugin);
      const running = up.length ? chooseProviders(up, nodes) : new Map();
      await this.d.registry.validateWithProviders(req.capability, req.params, [...running.keys()], ctx, { in: 'body', base: '/params' });
    }
    // The server may have started closing while the inventory answered.
    if (this.closing) throw new Errors.ServerClosing('The server is shutting down; submit again after it restarts.');
    this.d.queue.assertRoom();
    this.d.guard.assertWritable();
    let created: boolean;
    let row: ExecutionRow;
    try {
      ({ row, created } = this.d.store.createExecution({
        id: randomUUID(), capability: req.capability, status: 'queued', targets: req.targets, nodes: nodes.map((n) => n.name),
        params: req.params, provider: req.provider ?? null, timeoutSeconds, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null,
        reason: null, idempotencyKey: req.idempotencyKey ?? null, requestHash, principal: req.principal.id, tokenId: req.principal.tokenId ?? null, correlationId: req.correlationId,
        // The audit record goes in the execution's own transaction: a run is never queued unrecorded.
      }, this.idempotencySince(), (r, isNew) => submitEntry(req, r, isNew ? 'accepted' : 'replayed', isNew ? 202 : 200)));
    } catch (err) {
      throw this.d.guard.translate(err);
    }
    if (!created) return { row: this.checkReplay(row, requestHash, req.principal), created: false };
    this.append(row.id, 'status', { status: 'queued' });
    this.enqueue(row, contract.riskLevel !== 'read');
    return { row, created: true };
  }

  /**
   * Cancels a queued run at once, or aborts a running one (its process trees are killed). The principal needs
   * the permissions of the run's capability on its nodes, as it would to submit it.
   */
  async cancel(id: string, principal: Principal, by: string, origin?: AuditOrigin): Promise<ExecutionRow> {
    let row = this.get(id);
    const contract = this.d.registry.contract(row.capability);
    authorize(principal, contract);
    await this.d.inventory.authorizeScope(principal, contract, row.nodes, this.queryContext({ correlationId: by }));
    // The run may have moved on while the inventory answered.
    row = this.get(id);
    if (isTerminal(row.status)) {
      throw new Errors.ExecutionNotCancelable(`Execution ${id} already ended as '${row.status}'.`, { extra: { status: row.status } });
    }
    if (this.d.queue.remove(id)) {
      this.finish(row, 'canceled', `canceled by ${by} while queued`, []);
      this.auditCancel(row, principal, origin, 'canceled while queued');
      return this.get(id);
    }
    const a = this.active.get(id);
    if (a && !a.reason) {
      a.reason = 'cancel';
      a.reasonText = `canceled by ${by}`;
      this.w.update(id, { reason: a.reasonText });
      a.controller.abort('cancel' satisfies AbortReason);
      this.auditCancel(row, principal, origin, 'canceled while running: its process trees are being killed');
    } else {
      this.auditCancel(row, principal, origin, `already ending${a?.reason ? ` (${a.reason})` : ''}`);
    }
    return this.get(id);
  }

  get(id: string): ExecutionRow {
    const row = this.d.store.getExecution(id);
    if (!row) throw new Errors.ExecutionNotFound(`No execution has id '${id}'.`, { extra: { executionId: id } });
    return row;
  }

  /** Waits until the execution is terminal or `ms` passed; returns its row either way. */
  async waitTerminal(id: string, ms: number, closed: AbortSignal): Promise<ExecutionRow> {
    const deadline = Date.now() + ms;
    let row = this.get(id);
    while (!isTerminal(row.status) && Date.now() < deadline && !closed.aborted) {
      await this.d.hub.wait(id, Math.min(1000, deadline - Date.now()), closed);
      row = this.get(id);
    }
    return row;
  }

  /** At start: runs left `running` by a crash become `interrupted`; queued ones are re-queued in order. */
  async recover(): Promise<{ interrupted: number; requeued: number }> {
    const left = this.d.store.listByStatus(['running', 'queued']);
    let interrupted = 0;
    let requeued = 0;
    for (const row of left) {
      if (row.status === 'running') {
        let killed = 0;
        for (const p of this.d.store.processes(row.id)) {
          // The group leader check first (it needs the leader alive to compare start times), then the scope:
          // its cgroup and cookie also reach what left the group. Only within the same boot.
          const group = killStaleGroup(p.pgid, p.bootId, p.startTicks);
          const scope = p.bootId === bootId() && (p.cgroup || p.cookie) ? await killRecordedScope(p) : 0;
          if (group || scope) killed++;
          this.d.store.removeProcess(row.id, p.pgid);
        }
        const reason = `the server stopped while it was running${killed ? `; the leftover processes of ${killed} process scope(s) were killed` : ''}`;
        this.finish(row, 'interrupted', reason, this.d.store.targetResults(row.id));
        interrupted++;
      } else {
        const risk = this.d.registry.findContract(row.capability)?.riskLevel;
        this.enqueue(row, risk !== 'read', true);
        requeued++;
      }
    }
    const swept = sweepEmptyCgroups();
    if (left.length || swept) this.d.logger.warn({ interrupted, requeued, emptyCgroupsRemoved: swept }, 'recovered executions after restart');
    return { interrupted, requeued };
  }

  /** Stops admitting, aborts running runs (they end `interrupted`), and waits for them to settle. */
  async shutdown(): Promise<void> {
    this.closing = true;
    // Runs still waiting stay `queued` in the store; recover() re-queues them at the next start.
    this.d.queue.pause();
    const running = [...this.active.values()];
    for (const a of running) {
      a.reason ??= 'shutdown';
      a.controller.abort('shutdown' satisfies AbortReason);
    }
    await Promise.allSettled(running.map((a) => a.done));
  }

  get activeCount(): number {
    return this.active.size;
  }

  /**
   * The record of a replay found before validation (one found inside createExecution is recorded there). No
   * row is written by a replay, so a store that cannot take the record does not fail it: logged instead.
   */
  private auditReplay(req: SubmitRequest, row: ExecutionRow): void {
    try {
      this.d.store.audit.append(submitEntry(req, row, 'replayed', 200));
    } catch (err) {
      this.d.logger.warn({ err, executionId: row.id, requestId: req.correlationId }, 'could not write the audit record of an idempotent replay');
    }
  }

  /**
   * The `execution.cancelled` record. Not in the status change's transaction: that change is one of the run's
   * guarded writes (it may be held while the store is failing, and for a running run it happens later, when
   * the processes are gone), so the record goes through the same guard right after it: written in order after
   * the status change, and held and retried with it instead of lost when the store fails.
   */
  private auditCancel(row: ExecutionRow, principal: Principal, origin: AuditOrigin | undefined, detail: string): void {
    const entry = {
      ...principalFields(principal), ...origin, action: 'execution.cancelled', outcome: 'accepted', status: 202, ...executionFields(row), detail,
      at: new Date().toISOString(),
    };
    this.d.guard.write({ owner: row.id, bytes: 512, label: 'appendAudit', run: () => this.d.store.audit.append(entry) });
  }

  /**
   * Why a queued run may not start now (run-authorization.ts): the API token that submitted it was revoked,
   * expired or deleted, or no longer reaches its nodes. Undefined: it may start.
   */
  private async refusedAtStart(row: ExecutionRow): Promise<string | undefined> {
    const allowed = runPrincipal(row, this.d.store.tokens, this.d.roles);
    if (!allowed.ok) return allowed.reason;
    if (!allowed.principal) return undefined;
    try {
      const contract = this.d.registry.contract(row.capability);
      authorize(allowed.principal, contract);
      const ctx = this.queryContext({ correlationId: row.correlationId });
      const nodes = await this.d.inventory.resolveTargets(row.nodes, ctx).catch(() => undefined);
      if (nodes) await authorizeRun(this.d.inventory, allowed.principal, contract, nodes, this.d.registry.providers(row.capability), ctx);
      else await this.d.inventory.authorizeScope(allowed.principal, contract, row.nodes, ctx);
      return undefined;
    } catch (err) {
      return `not started: the API token that submitted it may no longer run it (${toCapstanError(err).message})`;
    }
  }

  private checkReplay(row: ExecutionRow, requestHash: string, principal: Principal): ExecutionRow {
    checkReplayOwner(row, principal);
    if (row.requestHash !== requestHash) {
      throw new Errors.IdempotencyConflict(`Idempotency-Key was used for execution ${row.id} with a different request.`, { extra: { executionId: row.id } });
    }
    return row;
  }

  private idempotencySince(): string {
    return new Date(Date.now() - this.d.config.idempotencyHours * 3600_000).toISOString();
  }

  /** Context of the server's own lookups for a run (inventory): the requester was authorized at submit. */
  private queryContext(req: Pick<SubmitRequest, 'correlationId'>): ExecutionContext {
    return {
      correlationId: req.correlationId, principal: SYSTEM_PRINCIPAL, debug: false, signal: new AbortController().signal,
      logger: this.d.logger, emit: () => {},
    };
  }

  private enqueue(row: ExecutionRow, mutating: boolean, force = false): void {
    // Logged first: the queue may start the run at once.
    this.d.observer?.queued(row, force);
    const contract = this.d.registry.findContract(row.capability);
    const locks = contract?.lockKeys?.(row.params as Record<string, unknown>, row.nodes);
    this.d.queue.enqueue({ id: row.id, nodes: row.nodes, mutating, ...(locks?.length ? { locks } : {}), run: () => this.run(row.id) }, force);
  }

  private append(id: string, type: Parameters<Store['appendEvent']>[1], data: Record<string, unknown>): void {
    this.w.append(id, type, data);
  }

  /** The run's writes could not be made (told by the guard): stop it; it ends `failed` with the cause. */
  private storeFailed(id: string, cause: string): void {
    const a = this.active.get(id);
    if (!a || a.store) return;
    a.store = { cause, dropped: this.d.guard.dropHeld(id) };
    this.d.logger.error({ executionId: id, cause, droppedOutput: a.store.dropped }, 'execution stopped: its writes to the store failed');
    if (a.reason) return;
    a.reason = 'store';
    // Not from inside the write that reported it (a child's output callback): abort listeners kill processes.
    setImmediate(() => a.controller.abort('store' satisfies AbortReason));
  }

  private async run(id: string): Promise<void> {
    if (this.closing) return;
    const row = this.d.store.getExecution(id);
    if (!row || row.status !== 'queued') return;
    const refused = await this.refusedAtStart(row);
    if (refused) {
      this.finish(row, 'canceled', refused, []);
      return;
    }
    const controller = new AbortController();
    let settle!: () => void;
    const active: Active = { controller, done: new Promise((r) => (settle = r)) };
    this.active.set(id, active);
    const timer = setTimeout(() => {
      if (active.reason) return;
      active.reason = 'timeout';
      active.reasonText = `timed out after ${row.timeoutSeconds} s`;
      this.w.update(id, { reason: active.reasonText });
      controller.abort('timeout' satisfies AbortReason);
    }, row.timeoutSeconds * 1000);
    const logger = this.d.logger.child({ executionId: id, capability: row.capability });
    const secrets = secretParams(row.capability, row.params as Record<string, unknown>);
    const releaseSecrets = this.d.secrets.hold(secrets);
    const outcomes = new Map<string, TargetOutcome>();
    // One emitter (one output budget) and one process tracker for the whole run, whatever fails where.
    const emit = this.emitter(id, outcomes, active, this.d.registry.contract(row.capability).exitCodes, secretMask(secrets));
    const tracker = this.tracker(id);
    let startedAt: string | null = null;
    try {
      startedAt = new Date().toISOString();
      this.w.update(id, { status: 'running', startedAt });
      this.d.observer?.running(row, startedAt);
      this.append(id, 'start', { capability: row.capability, targets: row.targets, nodes: row.nodes, startedAt });
      this.append(id, 'status', { status: 'running' });
      const byProvider = await this.assignProviders(row, logger, controller.signal);
      this.d.observer?.assigned(id, byProvider);
      this.w.update(id, { provider: [...byProvider.keys()].join(',') || null });
      await Promise.all([...byProvider].map(async ([provider, nodes]) => {
        const ctx: ExecutionContext = {
          correlationId: row.correlationId, principal: { id: row.principal, permissions: ['*'] }, debug: false,
          signal: controller.signal, logger, executionId: id, emit, targets: nodes,
        };
        try {
          const { value } = await trackProcesses(tracker, () => this.d.registry.invoke(row.capability, structuredClone(row.params), ctx, {
            provider, timeoutMs: row.timeoutSeconds * 1000 + this.d.config.cancelGraceMs + 5000,
            abortSettleMs: this.d.config.cancelGraceMs + 5000,
          }));
          for (const r of (value as { results: TargetOutcome[] }).results) if (!outcomes.has(r.target)) emit({ type: 'target_result', ...r });
        } catch (err) {
          if (controller.signal.aborted) return;
          const e = toCapstanError(err);
          // With its stack (and its cause's): an internal error here is a bug in the provider.
          logger[e.category === 'internal' ? 'error' : 'warn']({ err: e, provider }, 'provider failed');
          for (const n of nodes) if (!outcomes.has(n.name)) emit({ type: 'target_result', ...failure(n.name, e) });
        }
      }));
    } catch (err) {
      const e = toCapstanError(err);
      logger.error({ err: e }, 'execution failed before running');
      for (const n of row.nodes) if (!outcomes.has(n)) emit({ type: 'target_result', ...failure(n, e) });
    } finally {
      clearTimeout(timer);
      const status = finalStatus(this.completeOutcomes(row, outcomes, emit, active.reason), active.reason);
      // From memory, not the store: the reason's own write may still be held.
      this.finish({ ...row, startedAt }, status, endReason(active), [...outcomes.values()]);
      this.active.delete(id);
      releaseSecrets();
      settle();
    }
  }

  /** Records the process groups a run starts, for cleanup after a crash. */
  private tracker(executionId: string): ProcessTracker {
    const boot = bootId();
    return {
      label: executionId,
      cgroups: this.d.config.cgroups,
      graceMs: this.d.config.cancelGraceMs,
      drainMs: this.d.config.drainSeconds * 1000,
      partialFlushMs: this.d.config.partialLineFlushMs,
      started: (pid, scope) => this.w.addProcess({ executionId, pgid: pid, bootId: boot, startTicks: startTicks(pid), ...scope }),
      exited: (pid) => this.w.removeProcess(executionId, pid),
    };
  }

  /** Records a result for every node that never reported one. */
  private completeOutcomes(row: ExecutionRow, outcomes: Map<string, TargetOutcome>, emit: (e: ExecutionEmit) => void, reason?: AbortReason): TargetOutcome[] {
    for (const n of row.nodes) {
      if (outcomes.has(n)) continue;
      const status = missingTargetStatus(reason);
      const err = reason === 'timeout' ? new Errors.ExecutionTimeout(`timed out after ${row.timeoutSeconds} s`)
        : reason === 'store' ? new Errors.StoreUnavailable('the run was stopped because its output could not be written to the store')
        : reason ? new Errors.PluginUnavailable(`the run was ${reason === 'cancel' ? 'canceled' : 'interrupted'} before this target finished`)
        : new Errors.CapabilityResult('the provider returned no result for this target');
      emit({ type: 'target_result', ...failure(n, err), status });
    }
    return row.nodes.map((n) => outcomes.get(n)!).filter(Boolean);
  }

  /** Picks, for each node, the best available provider that knows it (else the best one overall). */
  /**
   * Which provider runs which nodes. A provider named at submit (stored in `provider` while queued) runs them
   * all. Otherwise the highest-priority available provider that knows every target runs them all; when none
   * does, each node goes to the highest-priority provider that knows it (the first one for nodes none knows).
   */
  private async assignProviders(row: ExecutionRow, logger: Logger, signal: AbortSignal): Promise<Map<string, TargetNode[]>> {
    const providers = this.d.registry.available(row.capability, row.provider ?? undefined).map((p) => p.plugin);
    const ctx = this.queryContext({ correlationId: row.correlationId });
    // The run's own signal: a cancel or timeout also stops a slow inventory answer.
    // The indexed view: a lookup per target, not a map of the whole fleet per run.
    const { index: known } = await this.d.inventory.nodeIndex({ ...ctx, logger, signal });
    const nodes = row.nodes.map((name) => {
      const hit = known.get(name);
      return hit?.name === name ? (hit as TargetNode) : { name, groups: [], sources: [] } as TargetNode;
    });
    return chooseProviders(providers, nodes);
  }

  private emitter(id: string, outcomes: Map<string, TargetOutcome>, active: Active, exitCodes?: ExitCodeRule, mask?: <T>(v: T) => T): (e: ExecutionEmit) => void {
    return createEmitter({
      id, outcomes, exitCodes, mask, maxBytes: this.d.config.maxOutputBytes, logger: this.d.logger, ended: () => this.finished.has(id),
      storeFailure: () => active.store, writeResult: (r) => this.w.result(r), append: (type, data) => this.append(id, type, data),
    });
  }

  private finish(row: ExecutionRow, status: ExecutionStatus, reason: string | null, outcomes: TargetOutcome[]): void {
    const finishedAt = new Date().toISOString();
    this.finished.add(row.id);
    if (this.finished.size > 10_000) this.finished.delete(this.finished.values().next().value as string);
    this.w.update(row.id, { status, finishedAt, reason });
    // The store kept the secret params for this run only (a re-queue after a restart needs them): once it is
    // over, they are replaced by REDACTED and wiped from the database files too.
    if (secretParams(row.capability, row.params as Record<string, unknown>).length) {
      this.w.forgetSecrets(row.id, redactParams(row.capability, row.params as Record<string, unknown>));
    }
    this.d.observer?.finished(row, status, reason, outcomes, finishedAt);
    this.append(row.id, 'status', { status, ...(reason ? { reason } : {}) });
    this.append(row.id, 'complete', { status, finishedAt, results: outcomes.map((o) => ({ target: o.target, status: o.status, exitCode: o.exitCode })) });
    for (const entry of runEntries(row, status, outcomes, finishedAt)) this.w.journal(entry);
  }
}
