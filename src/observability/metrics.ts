/**
 * PerformanceMonitorService: prom-client metrics served at GET /metrics. One Registry per app (not the
 * global one) so several apps in one test process never collide.
 */
import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';
import type { IntegrationManager } from '../core/integration-manager.js';
import type { CapabilityRegistry } from '../core/registry.js';
import { TERMINAL_STATUSES } from '../execution/states.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  /**
   * Outcome: `ok`, `error` (the provider threw), `timeout` (it did not answer in time); for execution
   * capabilities the run's outcome on that provider's targets: `failed`, `partial`, `timed_out`, `canceled`,
   * `interrupted` (see src/core/invocation-outcome.ts).
   */
  capabilityDuration: Histogram<'capability' | 'provider' | 'outcome'>;
  /** Executions that reached a terminal status, once each. */
  executions: Counter<'capability' | 'status'>;
  /** Targets of executions that ran, by the provider that ran them and their final status. */
  executionTargets: Counter<'capability' | 'provider' | 'status'>;
  /** Adds a gauge whose value is read at scrape time. */
  gauge(name: string, help: string, labelNames: string[], collect: (g: Gauge<string>) => void): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'capstan_' });
  const httpDuration = new Histogram({
    name: 'capstan_http_request_duration_seconds', help: 'HTTP request duration by route and status.',
    labelNames: ['method', 'route', 'status_code'] as const, registers: [registry],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
  });
  const capabilityDuration = new Histogram({
    name: 'capstan_capability_invocation_duration_seconds', help: 'Capability invocation duration by capability, provider and outcome.',
    labelNames: ['capability', 'provider', 'outcome'] as const, registers: [registry],
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
  });
  const executions = new Counter({
    name: 'capstan_executions_total', help: 'Executions that reached a terminal status, by capability and status.',
    labelNames: ['capability', 'status'] as const, registers: [registry],
  });
  const executionTargets = new Counter({
    name: 'capstan_execution_targets_total', help: 'Targets of executions that ran, by capability, provider and final target status.',
    labelNames: ['capability', 'provider', 'status'] as const, registers: [registry],
  });
  return {
    registry, httpDuration, capabilityDuration, executions, executionTargets,
    gauge(name, help, labelNames, collect) {
      new Gauge({ name, help, labelNames, registers: [registry], collect() { this.reset(); collect(this); } });
    },
  };
}

/** Wires registry invocations and plugin health into the metrics. */
export function observeCore(metrics: Metrics, registry: CapabilityRegistry, integrations: IntegrationManager): void {
  registry.onInvocation((capability, provider, outcome, ms) => metrics.capabilityDuration.observe({ capability, provider, outcome }, ms / 1000));
  // Every terminal status of every execution capability starts at 0, so rate() and alerts see the series
  // before the first failure happens.
  for (const c of registry.contractsList().filter((x) => x.mode === 'execution')) {
    for (const status of TERMINAL_STATUSES) metrics.executions.inc({ capability: c.name, status }, 0);
  }
  metrics.gauge('capstan_plugin_healthy', 'Plugin health: 1 healthy, 0.5 degraded, 0 otherwise.', ['plugin', 'state'], (g) => {
    for (const p of integrations.list()) {
      const v = p.state === 'ready' ? (p.health.status === 'healthy' ? 1 : p.health.status === 'degraded' ? 0.5 : 0) : 0;
      g.set({ plugin: p.name, state: p.state }, v);
    }
  });
}
