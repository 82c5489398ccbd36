/**
 * IntegrationManager: owns every plugin's lifecycle. Initializes in dependency order with a timeout each;
 * a plugin that throws or hangs is marked `failed` and the server still starts (graceful degradation).
 * Runs periodic health checks with timeouts and shuts every plugin down on app close.
 */
import type { Logger } from 'pino';
import { toCapstanError } from './errors.js';
import type { CapabilityRegistry } from './registry.js';
import type { BasePlugin, HealthStatus, PluginManifest } from './types.js';
import { withTimeout } from './with-timeout.js';

export type PluginState = 'registered' | 'initializing' | 'ready' | 'failed' | 'disabled' | 'stopped';

/** What GET /api/v1/plugins shows of each plugin. */
export interface PluginInfo {
  name: string;
  version: string;
  description: string;
  state: PluginState;
  required: boolean;
  integrationTypes: string[];
  health: HealthStatus & { checkedAt: string | null };
  capabilities: { name: string; priority: number }[];
  error?: string;
}

export interface IntegrationManagerOptions {
  /** Time each plugin gets to initialize (ms). */
  initTimeoutMs: number;
  /** Interval between health checks (ms); 0 disables the timer. */
  healthIntervalMs: number;
  /** Time each health check gets (ms). */
  healthTimeoutMs: number;
}

interface Entry {
  manifest: Pick<PluginManifest, 'id' | 'version' | 'description'>;
  plugin?: BasePlugin;
  state: PluginState;
  required: boolean;
  health: HealthStatus & { checkedAt: string | null };
  error?: string;
}

export class IntegrationManager {
  private readonly entries = new Map<string, Entry>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly registry: CapabilityRegistry,
    private readonly logger: Logger,
    private readonly opts: IntegrationManagerOptions,
  ) {}

  /** Adds a plugin and registers its capabilities (routing to it waits until it is ready and healthy). */
  add(plugin: BasePlugin, manifest: PluginManifest, priority?: number): void {
    const name = plugin.metadata.name;
    if (this.entries.has(name)) throw new Error(`plugin '${name}' added twice`);
    const entry: Entry = {
      manifest, plugin, state: 'registered', required: plugin.metadata.required ?? false,
      health: { status: 'unhealthy', message: 'not initialized', checkedAt: null },
    };
    this.entries.set(name, entry);
    const isAvailable = () => entry.state === 'ready' && entry.health.status !== 'unhealthy';
    // An aggregate read then says why a source is missing (e.g. the endpoint the health check could not reach).
    const whyUnavailable = () => (entry.state !== 'ready' ? `it is ${entry.state}` : entry.health.message ? `unhealthy: ${entry.health.message}` : 'unhealthy');
    for (const cap of plugin.capabilities()) this.registry.register(name, manifest.provides, cap, isAvailable, priority, whyUnavailable);
  }

  /** Records a plugin that could not even be loaded (bad config, import error) or is disabled. */
  addInactive(manifest: Pick<PluginManifest, 'id' | 'version' | 'description'>, state: 'failed' | 'disabled', error?: string): void {
    this.entries.set(manifest.id, {
      manifest, state, required: false, error,
      health: { status: 'unhealthy', message: error ?? state, checkedAt: null },
    });
  }

  /** Initializes every registered plugin in dependency order. Never throws. */
  async initializeAll(): Promise<void> {
    for (const name of this.order()) {
      const e = this.entries.get(name)!;
      if (!e.plugin || e.state !== 'registered') continue;
      const failedDep = (e.plugin.metadata.dependencies ?? []).find((d) => this.entries.get(d)?.state !== 'ready');
      if (failedDep) {
        this.fail(name, e, `dependency '${failedDep}' is not ready`);
        continue;
      }
      e.state = 'initializing';
      try {
        await withTimeout(e.plugin.initialize(), this.opts.initTimeoutMs, () => new Error(`initialize timed out after ${this.opts.initTimeoutMs} ms`));
        e.state = 'ready';
        await this.check(name, e);
        this.logger.info({ plugin: name, health: e.health.status }, 'plugin ready');
      } catch (err) {
        this.fail(name, e, toCapstanError(err).message, err);
      }
    }
  }

  startHealthChecks(): void {
    if (this.opts.healthIntervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.checkAll(), this.opts.healthIntervalMs);
    this.timer.unref();
  }

  /** Runs one health check of every ready plugin. */
  async checkAll(): Promise<void> {
    await Promise.all([...this.entries].filter(([, e]) => e.state === 'ready').map(([n, e]) => this.check(n, e)));
  }

  async shutdownAll(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const name of this.order().reverse()) {
      const e = this.entries.get(name)!;
      if (!e.plugin || e.state === 'disabled' || e.state === 'stopped') continue;
      try {
        await withTimeout(e.plugin.shutdown(), this.opts.initTimeoutMs, () => new Error('shutdown timed out'));
      } catch (err) {
        this.logger.warn({ plugin: name, err }, 'plugin shutdown failed');
      }
      e.state = 'stopped';
    }
  }

  get(name: string): PluginInfo | undefined {
    const e = this.entries.get(name);
    return e && this.info(name, e);
  }

  list(): PluginInfo[] {
    return [...this.entries].map(([n, e]) => this.info(n, e)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Names of required plugins that are not ready and healthy (readiness fails while any exist). */
  requiredDown(): string[] {
    return [...this.entries].filter(([, e]) => e.required && (e.state !== 'ready' || e.health.status === 'unhealthy')).map(([n]) => n);
  }

  private async check(name: string, e: Entry): Promise<void> {
    try {
      const h = await withTimeout(e.plugin!.healthCheck(), this.opts.healthTimeoutMs, () => new Error(`health check timed out after ${this.opts.healthTimeoutMs} ms`));
      e.health = { ...h, checkedAt: new Date().toISOString() };
    } catch (err) {
      e.health = { status: 'unhealthy', message: toCapstanError(err).message, checkedAt: new Date().toISOString() };
    }
  }

  /** `err`, when the plugin threw, is logged with its stack (and its causes'). */
  private fail(name: string, e: Entry, message: string, err?: unknown): void {
    e.state = 'failed';
    e.error = message;
    e.health = { status: 'unhealthy', message, checkedAt: new Date().toISOString() };
    this.logger.error({ plugin: name, error: message, ...(err === undefined ? {} : { err }) }, 'plugin failed to initialize; continuing without it');
  }

  /** Topological order by metadata.dependencies; unknown deps are left for initializeAll to report. */
  private order(): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    const visit = (n: string, path: string[]) => {
      if (seen.has(n) || path.includes(n)) return;
      const deps = this.entries.get(n)?.plugin?.metadata.dependencies ?? [];
      for (const d of deps) if (this.entries.has(d)) visit(d, [...path, n]);
      seen.add(n);
      out.push(n);
    };
    for (const n of [...this.entries.keys()].sort()) visit(n, []);
    return out;
  }

  private info(name: string, e: Entry): PluginInfo {
    const caps = this.registry.contractsList()
      .flatMap((c) => this.registry.providers(c.name).filter((p) => p.plugin === name).map((p) => ({ name: c.name, priority: p.priority })));
    return {
      name, version: e.manifest.version, description: e.manifest.description, state: e.state, required: e.required,
      integrationTypes: e.plugin?.metadata.integrationTypes ?? [], health: e.health, capabilities: caps,
      ...(e.error ? { error: e.error } : {}),
    };
  }
}
