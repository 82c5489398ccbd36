/**
 * A benchmark plugin: an inventory of N nodes and a command.execute that emits synthetic output at a given
 * rate without spawning processes, so the benchmarks measure Capstan itself (queue, store, stream).
 * params.command: `lines:<count>:<perSecond>` or `block` (runs until aborted).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { commandExecute, inventoryGroups, inventoryList } from '../../src/capabilities/index.js';
import type { NativePluginOptions, PluginModule } from '../../src/core/loader.js';
import { BasePlugin, implement, type PluginCapability } from '../../src/core/types.js';

class BenchPlugin extends BasePlugin {
  readonly metadata = { name: 'bench', version: '0.0.0', description: 'benchmark provider', integrationTypes: ['inventory' as const, 'remote_execution' as const] };
  constructor(private readonly nodes: number) { super(); }
  capabilities(): PluginCapability<any, any>[] {
    const names = Array.from({ length: this.nodes }, (_, i) => `bench-${i + 1}`);
    return [
      implement(inventoryList, async () => ({ nodes: names.map((n) => ({ id: n, name: n, groups: ['bench'], sources: [{ source: 'bench', id: n }] })) })),
      implement(inventoryGroups, async () => ({ groups: [{ name: 'bench', targets: names, sources: ['bench'] }] })),
      implement(commandExecute, async (p, ctx) => {
        const [kind, count, rate] = p.command.split(':');
        const targets = ctx.targets ?? [];
        if (kind === 'block') await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
        if (kind === 'lines') {
          const n = Number(count);
          const perTick = Math.max(1, Math.round(Number(rate) / 100));
          for (let i = 0; i < n && !ctx.signal.aborted;) {
            for (let j = 0; j < perTick && i < n; j++, i++) ctx.emit({ type: 'stdout', target: targets[0].name, line: `${i} ${performance.timeOrigin + performance.now()}` });
            if (Number(rate) > 0) await new Promise((r) => setTimeout(r, 10));
          }
        }
        const results = targets.map((t) => ({ target: t.name, status: 'succeeded' as const, exitCode: 0 }));
        for (const r of results) ctx.emit({ type: 'target_result', ...r });
        return { results };
      }, { priority: 100 }),
    ];
  }
}

export function benchPlugin(nodes = 10): PluginModule {
  return {
    manifest: { id: 'bench', version: '0.0.0', description: 'benchmark provider', provides: ['inventory.list', 'inventory.groups', 'command.execute'], configSchema: Type.Object({}), enabledByDefault: true },
    default: async (_app: FastifyInstance, opts: NativePluginOptions) => opts.host.add(new BenchPlugin(nodes)),
  };
}
