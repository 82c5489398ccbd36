/**
 * Alerts name their node as the monitoring system does (a label's host part, a Nagios host name): the
 * inventory's name for it is what the API and the journal use, found by name or alias, else by the host part
 * of a node's `uri` (an address such as `10.0.0.5` in `instance="10.0.0.5:9100"`). A name the inventory does not
 * know stays as it is.
 */
import { hostOf } from '../capabilities/alert-source.js';
import type { ExecutionContext } from '../core/types.js';
import type { InventoryService } from '../inventory/aggregate.js';
import type { NodeIndex } from '../inventory/node-index.js';

/** Node name by uri host, built once per index (the index is rebuilt only when a source's inventory changes). */
const byUriHost = new WeakMap<NodeIndex, Map<string, string>>();

function uriHosts(index: NodeIndex): Map<string, string> {
  let m = byUriHost.get(index);
  if (!m) {
    m = new Map();
    for (const n of index.all) {
      const host = n.uri ? hostOf(n.uri.includes('://') ? n.uri : `ssh://${n.uri}`)?.toLowerCase() : undefined;
      if (host && !m.has(host)) m.set(host, n.name);
    }
    byUriHost.set(index, m);
  }
  return m;
}

export function inventoryNamer(inventory: InventoryService) {
  return async (ctx: ExecutionContext): Promise<(node: string) => string> => {
    const { index } = await inventory.nodeIndex(ctx);
    return (node) => index.get(node)?.name ?? index.get(node.toLowerCase())?.name ?? uriHosts(index).get(node.toLowerCase()) ?? node;
  };
}
