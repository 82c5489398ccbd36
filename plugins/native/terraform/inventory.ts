/** The nodes of the plugin's registered resources, as an inventory snapshot (src/capabilities/snapshot-inventory.ts). */
import type { InventorySnapshot } from '../../../src/capabilities/snapshot-inventory.js';
import type { TerraformConfig } from './config.js';
import type { Outputs } from './events.js';
import { RESOURCE_NAME, type ResourceRecord } from './workspace.js';

export function snapshotOf(records: ResourceRecord[], source: string, version: string): InventorySnapshot {
  const nodes = records.filter((r) => r.registered).map((r) => ({
    id: r.node, name: r.node, uri: r.address ?? r.node, transport: r.transport ?? 'ssh', groups: [...r.groups],
    sources: [{ source, id: r.name }],
    vars: { terraform: { resource: r.name, template: r.template, status: r.status } },
  })).sort((a, b) => a.name.localeCompare(b.name));
  const members = new Map<string, string[]>();
  for (const n of nodes) for (const g of n.groups) members.set(g, [...(members.get(g) ?? []), n.name]);
  const groups = [...members].map(([name, targets]) => ({ name, targets, sources: [source] })).sort((a, b) => a.name.localeCompare(b.name));
  return { nodes, groups, version };
}

/** Node name, address, transport and groups from the configured outputs (strings; groups a list of strings). */
export function nodeFromOutputs(cfg: TerraformConfig, outputs: Outputs, name: string, requestGroups: string[] = []): Pick<ResourceRecord, 'node' | 'address' | 'transport' | 'groups'> {
  const o = cfg.inventoryOutputs;
  const str = (k: string) => {
    const v = outputs[k];
    return v && !v.sensitive && typeof v.value === 'string' && v.value ? v.value : undefined;
  };
  const g = outputs[o.groups]?.value;
  const groups = [...new Set([...requestGroups, ...(Array.isArray(g) ? g.filter((x): x is string => typeof x === 'string' && x.length > 0) : [])])];
  // A node name is a host name, as the request's own name is; anything else keeps the request's.
  const fromOutput = str(o.name);
  const node = fromOutput && RESOURCE_NAME.test(fromOutput) ? fromOutput : name;
  return { node, groups, ...(str(o.address) ? { address: str(o.address) } : {}), ...(str(o.transport) ? { transport: str(o.transport) } : {}) };
}
