/**
 * CapabilityRegistry: which plugin provides which capability, and the one way to call them.
 * `invoke` routes to the highest-priority available provider and falls back only on retryable
 * categories; `invokeAll` fans out to every provider and reports a per-source status.
 */
import type { TSchema } from '@sinclair/typebox';
import { CapstanError, Errors, fieldError, toCapstanError, type RequestPart } from './errors.js';
import { executionOutcome, failedOutcome, type InvocationOutcome } from './invocation-outcome.js';
import type { CapabilityContract, ExecutionContext, PluginCapability, Principal } from './types.js';
import { findString } from './json-text.js';
import { authorize } from './permissions.js';
import { SchemaValidator } from './validator.js';
import { isTargetLimited, needsEveryNode, reachesEverywhere } from './target-reach.js';

export const DEFAULT_PRIORITY = 50;

export interface ProviderEntry {
  plugin: string;
  priority: number;
  capability: PluginCapability<any, any>;
  /** False while the plugin is not ready or unhealthy. */
  isAvailable: () => boolean;
  /** Why it is not available (its state, or its health message naming what failed), for per-source errors. */
  whyUnavailable?: () => string | undefined;
}

/** Per-source outcome of an aggregate read (the `sources` array of answers). */
export interface SourceStatus {
  source: string;
  status: 'ok' | 'error' | 'timeout';
  durationMs: number;
  error?: { category: string; code: string; title: string; detail: string };
}

export interface InvokeOptions {
  /** Call this plugin only (no fallback). */
  provider?: string;
  /** Per-provider time limit; default 30 s. */
  timeoutMs?: number;
  /**
   * When the caller aborts (cancel), how long the handler may take to stop its work and report before the
   * call gives up on it; default 10 s. A handler that settles in time has its answer kept.
   */
  abortSettleMs?: number;
  /** Where the params are in the request, for the pointers of a CapabilityParams error; default the body as a whole. */
  paramsAt?: ParamsLocation;
}

/** Where a request carried a capability's params: its part and the JSON pointer of the params object there. */
export interface ParamsLocation {
  in: RequestPart;
  /** `''` when the params are the part itself (the invoke body, a query string), `/params` inside an execution body. */
  base: string;
}

const WHOLE_BODY: ParamsLocation = { in: 'body', base: '' };

export type { InvocationOutcome } from './invocation-outcome.js';
export type InvocationObserver = (capability: string, provider: string, outcome: InvocationOutcome, durationMs: number) => void;

/** Sees every valid answer of a query provider (facts gathered, ...); must not throw or block. */
export type AnswerWatcher = (capability: string, provider: string, params: unknown, value: unknown, ctx: ExecutionContext) => void;

export class CapabilityRegistry {
  private readonly contracts = new Map<string, CapabilityContract>();
  private readonly providersByName = new Map<string, ProviderEntry[]>();
  private readonly validator: SchemaValidator;
  private readonly observers: InvocationObserver[] = [];
  /**
   * Checks that a principal limited to targets may use a capability on the nodes a query names (set by the
   * app once the inventory exists: InventoryService.authorizeScope). Unset: no target limits are checked.
   */
  scopeCheck?: (principal: Principal, contract: CapabilityContract, nodes: string[], ctx: ExecutionContext) => Promise<void>;

  constructor(contracts: CapabilityContract[], sharedSchemas: TSchema[] = []) {
    for (const c of contracts) this.contracts.set(c.name, c);
    this.validator = new SchemaValidator(sharedSchemas);
  }

  private readonly watchers: AnswerWatcher[] = [];

  onInvocation(fn: InvocationObserver): void {
    this.observers.push(fn);
  }

  /** Adds a watcher of query answers (the journal's fact changes). */
  onAnswer(fn: AnswerWatcher): void {
    this.watchers.push(fn);
  }

  /** The contract named, undefined when there is none (a stored run's capability this version lacks). */
  findContract(name: string): CapabilityContract | undefined {
    return this.contracts.get(name);
  }

  contract(name: string): CapabilityContract {
    const c = this.contracts.get(name);
    if (!c) throw new Errors.CapabilityUnknown(`No capability named '${name}' exists.`, { extra: { capability: name } });
    return c;
  }

  contractsList(): CapabilityContract[] {
    return [...this.contracts.values()];
  }

  /** Adds a provider. Throws PluginMisuse at boot for an unknown or undeclared capability or a duplicate. */
  register(plugin: string, declared: string[], capability: PluginCapability<any, any>, isAvailable: () => boolean, priority?: number, whyUnavailable?: () => string | undefined): void {
    const contract = this.contracts.get(capability.name);
    if (!contract) throw new Errors.PluginMisuse(`Plugin '${plugin}' provides unknown capability '${capability.name}'.`);
    if (!declared.includes(capability.name)) {
      throw new Errors.PluginMisuse(`Plugin '${plugin}' provides '${capability.name}' which its manifest does not declare.`);
    }
    if (capability.params !== contract.params || capability.result !== contract.result) {
      throw new Errors.PluginMisuse(`Plugin '${plugin}' changes the schemas of '${capability.name}'; use implement(contract, handler).`);
    }
    const list = this.providersByName.get(capability.name) ?? [];
    if (list.some((p) => p.plugin === plugin)) {
      throw new Errors.PluginMisuse(`Plugin '${plugin}' provides '${capability.name}' twice.`);
    }
    list.push({ plugin, capability, isAvailable, whyUnavailable, priority: priority ?? capability.priority ?? DEFAULT_PRIORITY });
    // Stable order: priority desc, then plugin name, so routing is deterministic.
    list.sort((a, b) => b.priority - a.priority || a.plugin.localeCompare(b.plugin));
    this.providersByName.set(capability.name, list);
  }

  /** Removes one plugin's providers (all, or one capability). */
  unregister(plugin: string, capabilityName?: string): void {
    for (const [name, list] of this.providersByName) {
      if (capabilityName && name !== capabilityName) continue;
      this.providersByName.set(name, list.filter((p) => p.plugin !== plugin));
    }
  }

  providers(name: string): ProviderEntry[] {
    return [...(this.providersByName.get(name) ?? [])];
  }

  /**
   * Validates params against the contract (applying defaults); throws CapabilityParams. Beyond the schema,
   * no string in params (value or member name) may hold a NUL character: params become process arguments,
   * environment values, file names and command lines, none of which can carry one, so such a run could only
   * fail later. The error's pointers lead into the request part `at` names (see FieldError).
   */
  validateParams(name: string, params: unknown, at: ParamsLocation = WHOLE_BODY): void {
    const issues = this.validator.check(this.contract(name).params, params);
    const nul = findString(params, (s) => s.includes('\0'));
    if (nul !== undefined) issues.push({ pointer: nul, message: 'must not contain a NUL character (U+0000)' });
    if (issues.length) {
      const errors = issues.map((i) => fieldError(at.in, `${at.base}${i.pointer}`, i.message));
      throw new Errors.CapabilityParams(`params of '${name}' do not match its contract: ${errors.map((i) => `${i.pointer || '(whole)'} ${i.message}`).join('; ')}`, {
        extra: { capability: name, errors },
      });
    }
  }

  /**
   * The providers' own checks of a submit's params (PluginCapability.validate) for the plugins that will run
   * it; throws CapabilityParams listing every issue, with pointers into the request part `at` names.
   */
  async validateWithProviders(name: string, params: Record<string, unknown>, plugins: string[], ctx: ExecutionContext, at: ParamsLocation = WHOLE_BODY): Promise<void> {
    const issues: { pointer: string; message: string }[] = [];
    for (const p of this.providers(name).filter((e) => plugins.includes(e.plugin) && e.capability.validate)) {
      issues.push(...await p.capability.validate!(structuredClone(params), { ...ctx, logger: ctx.logger.child({ plugin: p.plugin, capability: name }) }));
    }
    if (!issues.length) return;
    const errors = issues.map((i) => fieldError(at.in, `${at.base}${i.pointer}`, i.message));
    throw new Errors.CapabilityParams(`params of '${name}' do not fit its provider: ${errors.map((i) => `${i.pointer || '(whole)'} ${i.message}`).join('; ')}`, {
      extra: { capability: name, errors },
    });
  }

  /**
   * Providers able to answer now. Throws 404 for an unknown capability or an `only` that names no provider of
   * it, 501 when no enabled plugin provides it (retrying cannot help), and 503 with Retry-After when its
   * providers exist but are all down.
   */
  available(name: string, only?: string): ProviderEntry[] {
    this.contract(name);
    const all = this.providers(name);
    if (all.length === 0) throw notProvided(name);
    const list = all.filter((p) => (!only || p.plugin === only));
    if (only && list.length === 0) {
      throw new Errors.ProviderNotFound(`No enabled plugin named '${only}' provides '${name}' (providers: ${all.map((p) => p.plugin).join(', ')}).`, { extra: { capability: name, provider: only } });
    }
    const up = list.filter((p) => p.isAvailable());
    if (up.length === 0) {
      throw new Errors.CapabilityNoProvider(`No available provider for capability '${name}'.`, { extra: { capability: name }, retryAfter: UNAVAILABLE_RETRY_AFTER_SECONDS });
    }
    return up;
  }

  /** Calls the best provider; on a retryable failure (unavailable, timeout, rate_limited) tries the next. */
  async invoke(name: string, params: unknown, ctx: ExecutionContext, opts: InvokeOptions = {}): Promise<{ provider: string; value: unknown }> {
    authorize(ctx.principal, this.contract(name));
    const providers = this.available(name, opts.provider);
    this.validateParams(name, params, opts.paramsAt);
    const reach = this.authorizeNodes(name, params, ctx);
    if (reach) await reach;
    let last: CapstanError | undefined;
    for (const p of providers) {
      try {
        return { provider: p.plugin, value: await this.call(p, params, ctx, opts.timeoutMs, opts.abortSettleMs) };
      } catch (err) {
        last = toCapstanError(err);
        if (!last.retryable) throw last;
        ctx.logger.warn({ capability: name, provider: p.plugin, err: last }, 'provider failed; trying the next one');
      }
    }
    throw last ?? new Errors.CapabilityNoProvider(`No available provider for capability '${name}'.`);
  }

  /** Calls every available provider in parallel; a failing source never fails the call. */
  async invokeAll(name: string, params: unknown, ctx: ExecutionContext, opts: InvokeOptions = {}): Promise<{ results: { source: string; value: unknown }[]; sources: SourceStatus[] }> {
    authorize(ctx.principal, this.contract(name));
    this.validateParams(name, params, opts.paramsAt);
    const reach = this.authorizeNodes(name, params, ctx);
    if (reach) await reach;
    const providers = this.providers(name);
    if (providers.length === 0) throw notProvided(name);
    // Each provider gets its own copy of the params: defaults or mutation by one must not leak into another.
    const answers = await Promise.all(providers.map((p) => askSource(p, () => this.call(p, structuredClone(params), ctx, opts.timeoutMs))));
    return {
      results: answers.flatMap((a) => ('value' in a ? [{ source: a.status.source, value: a.value }] : [])),
      sources: answers.map((a) => a.status),
    };
  }

  /**
   * The target limits of a query: the nodes its `nodeParams` name (default `node`, `nodes`) must be in the
   * principal's reach; a query above read level that names no node (acknowledge an alert, flush a cache)
   * needs the capability on every node. Reads across nodes are not limited. Runs are checked on their
   * expanded targets by the ExecutionService.
   */
  // Synchronous (undefined) unless a check must ask the inventory: an unlimited caller's call starts in the
  // same tick, as before target limits existed (an abort right after the call still reaches the handler).
  private authorizeNodes(name: string, params: unknown, ctx: ExecutionContext): Promise<void> | undefined {
    const contract = this.contract(name);
    if (!this.scopeCheck || contract.mode !== 'query' || !isTargetLimited(ctx.principal)) return undefined;
    const p = (params !== null && typeof params === 'object' ? params : {}) as Record<string, unknown>;
    const nodes = (contract.nodeParams ?? ['node', 'nodes']).flatMap((k) => [p[k]].flat()).filter((n): n is string => typeof n === 'string');
    if (nodes.length) return this.scopeCheck(ctx.principal, contract, nodes, ctx);
    if (contract.riskLevel !== 'read' && !reachesEverywhere(ctx.principal, contract)) throw needsEveryNode(ctx.principal, contract, 'this call names no node');
    return undefined;
  }

  private async call(p: ProviderEntry, params: unknown, ctx: ExecutionContext, callerTimeoutMs = 30_000, callerSettleMs = 10_000): Promise<unknown> {
    const name = p.capability.name;
    // The provider's own stop time (PluginCapability.abortSettleMs) on top of the caller's.
    const extra = Math.max(0, p.capability.abortSettleMs ?? 0);
    const timeoutMs = callerTimeoutMs + extra;
    const abortSettleMs = callerSettleMs + extra;
    const started = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = AbortSignal.any([ctx.signal, timeout]);
    const child: ExecutionContext = { ...ctx, signal, logger: ctx.logger.child({ plugin: p.plugin, capability: name }) };
    const execution = this.contracts.get(name)?.mode === 'execution';
    let outcome: InvocationOutcome = 'error';
    try {
      const value = await new Promise<unknown>((resolve, reject) => {
        let settleTimer: NodeJS.Timeout | undefined;
        const onAbort = () => {
          // Our own time limit: the provider is misbehaving, stop waiting for it now.
          if (timeout.aborted) {
            reject(new Errors.CapabilityTimeout(`'${p.plugin}' did not answer '${name}' within ${timeoutMs} ms.`, { extra: { capability: name, provider: p.plugin } }));
            return;
          }
          // The caller aborted (cancel, execution timeout): give the handler time to kill its work and report.
          settleTimer = setTimeout(() => reject(new Errors.PluginUnavailable(`'${p.plugin}' did not stop '${name}' within ${abortSettleMs} ms of the abort.`)), abortSettleMs);
          settleTimer.unref();
        };
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
        p.capability.handler(params, child).then(resolve, reject).finally(() => {
          clearTimeout(settleTimer);
          signal.removeEventListener('abort', onAbort);
        });
      });
      const issues = this.validator.check(p.capability.result, value);
      if (issues.length) {
        throw new Errors.CapabilityResult(`'${p.plugin}' answered '${name}' with an invalid result: ${issues.map((i) => `${i.pointer} ${i.message}`).join('; ')}`);
      }
      // An execution handler returns normally for failed, timed-out and canceled runs too.
      outcome = execution ? executionOutcome(ctx, value) : 'ok';
      if (!execution) {
        for (const w of this.watchers) {
          // A watcher's fault never turns a good answer into a failure.
          try { w(name, p.plugin, params, value, child); } catch (err) { child.logger.warn({ err }, 'an answer watcher failed'); }
        }
      }
      return value;
    } catch (err) {
      outcome = failedOutcome(ctx, execution, err);
      throw err;
    } finally {
      const d = ms(started);
      for (const o of this.observers) o(name, p.plugin, outcome, d);
    }
  }
}

/** Milliseconds since `started` (performance.now()), to 0.01 ms. */
export function ms(started: number): number {
  return Math.round((performance.now() - started) * 100) / 100;
}

/**
 * Asks one source of an aggregate read: its answer with an `ok` status, or (it failed, or its plugin is not
 * available, saying why) only its failed status. Never throws.
 */
export async function askSource<T>(p: ProviderEntry, call: () => Promise<T>): Promise<{ value: T; status: SourceStatus } | { status: SourceStatus }> {
  const started = performance.now();
  try {
    if (!p.isAvailable()) {
      const why = p.whyUnavailable?.();
      throw new Errors.PluginUnavailable(`Plugin '${p.plugin}' is not available${why ? `: ${why}` : ''}.`);
    }
    const value = await call();
    return { value, status: { source: p.plugin, status: 'ok', durationMs: ms(started) } };
  } catch (err) {
    return { status: failedSource(p.plugin, started, err) };
  }
}

/** A source's status in an aggregate answer when asking it failed (`timeout` for the timeout category). */
export function failedSource(source: string, started: number, err: unknown): SourceStatus {
  const e = toCapstanError(err);
  return {
    source,
    status: e.category === 'timeout' ? 'timeout' : 'error',
    durationMs: ms(started),
    error: { category: e.category, code: e.code, title: e.title, detail: e.message },
  };
}

/** Retry-After of a 503 for a capability whose providers are all down (about one health-check interval). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

/** The 501 of a capability no enabled plugin provides. */
export function notProvided(name: string) {
  return new Errors.CapabilityNotProvided(`No enabled plugin provides capability '${name}'.`, { extra: { capability: name } });
}
