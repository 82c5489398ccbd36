/** The nodes of the plugin's registered resources, as an inventory snapshot (src/capabilities/snapshot-inventory.ts). */
import type { InventorySnapshot } from '../../../src/capabilities/snapshot-inventory.js';
import type { TerraformConfig } from './config.js';
import type { Outputs } from './events.js';
import type { ResourceRecord } from './workspace.js';

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

/**
 * Address, transport and groups from the configured outputs (strings; groups a list of strings). The node's
 * name is always the resource's name (the request's `name`: one name for the working copy, the state, the
 * queue lock and the inventory node, so a node can never name another resource's state); a `name` output
 * that differs is reported as `nameMismatch` and changes nothing.
 */
export function nodeFromOutputs(cfg: TerraformConfig, outputs: Outputs, name: string, requestGroups: string[] = []): Pick<ResourceRecord, 'node' | 'address' | 'transport' | 'groups'> & { nameMismatch?: string } {
  const o = cfg.inventoryOutputs;
  const str = (k: string) => {
    const v = outputs[k];
    return v && !v.sensitive && typeof v.value === 'string' && v.value ? v.value : undefined;
  };
  const g = outputs[o.groups]?.value;
  const groups = [...new Set([...requestGroups, ...(Array.isArray(g) ? g.filter((x): x is string => typeof x === 'string' && x.length > 0) : [])])];
  const fromOutput = str(o.name);
  return {
    node: name, groups, ...(str(o.address) ? { address: str(o.address) } : {}), ...(str(o.transport) ? { transport: str(o.transport) } : {}),
    ...(fromOutput !== undefined && fromOutput !== name ? { nameMismatch: fromOutput } : {}),
  };
}
