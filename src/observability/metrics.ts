/**
 * PerformanceMonitorService: prom-client metrics served at GET /metrics. One Registry per app (not the
 * global one) so several apps in one test process never collide.
 */
import { Registry, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';
import type { IntegrationManager } from '../core/integration-manager.js';
import type { CapabilityRegistry } from '../core/registry.js';

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  capabilityDuration: Histogram<'capability' | 'provider' | 'outcome'>;
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
  return {
    registry, httpDuration, capabilityDuration,
    gauge(name, help, labelNames, collect) {
      new Gauge({ name, help, labelNames, registers: [registry], collect() { this.reset(); collect(this); } });
    },
  };
}

/** Wires registry invocations and plugin health into the metrics. */
export function observeCore(metrics: Metrics, registry: CapabilityRegistry, integrations: IntegrationManager): void {
  registry.onInvocation((capability, provider, outcome, ms) => metrics.capabilityDuration.observe({ capability, provider, outcome }, ms / 1000));
  metrics.gauge('capstan_plugin_healthy', 'Plugin health: 1 healthy, 0.5 degraded, 0 otherwise.', ['plugin', 'state'], (g) => {
    for (const p of integrations.list()) {
      const v = p.state === 'ready' ? (p.health.status === 'healthy' ? 1 : p.health.status === 'degraded' ? 0.5 : 0) : 0;
      g.set({ plugin: p.name, state: p.state }, v);
    }
  });
}
