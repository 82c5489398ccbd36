/**
 * Inventory contracts: which nodes and groups exist. Every source answers with its own nodes; the registry
 * aggregates them and links nodes of the same name into one node whose `sources` lists each source.
 *
 * Snapshots (how a source says "nothing changed"): `inventory.list` and `inventory.groups` answers may carry a
 * `version`, an opaque string naming the source's whole current snapshot (its file's mtime, a cache entry, a
 * provider's etag, ...). A new snapshot must get a new version, also across plugin restarts (put a random
 * per-instance part in it). A caller holding the answer of version V sends `ifNoneMatch: V`; while the snapshot
 * is still V the source may answer `{ nodes: [] | groups: [], version: V, notModified: true }` instead of the
 * whole list, so the server keeps its indexed copy and neither transfers nor re-validates thousands of nodes
 * per request. Every answer with data is validated in full, as before; only the answer "still V" is small.
 * A source without versions answers in full every time (correct, only slower); `ifNoneMatch` may be ignored.
 * The version names the unfiltered snapshot: the same filters on the same snapshot give the same nodes.
 */
import { Type } from '@sinclair/typebox';
import { Group, Node, defineContract, ref, stringMap } from './common.js';

const groupNames = (description: string) =>
  Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 1000, description }));
const transport = () =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only nodes reached over this transport (local, ssh, winrm, ...).' }));

const ifNoneMatch = () => Type.Optional(Type.String({
  minLength: 1, maxLength: 255,
  description: 'The `version` of the snapshot the caller holds; while it is current the source may answer `notModified: true` and no items.',
}));
const version = () => Type.Optional(Type.String({
  minLength: 1, maxLength: 255,
  description: 'Opaque version of the source\'s current snapshot (new data, new version); absent when the source has none.',
}));
const notModified = () => Type.Optional(Type.Boolean({
  description: 'True when `ifNoneMatch` named the current snapshot: the list is then empty and the caller\'s copy is current.',
}));

const exampleNode = {
  id: 'web1.example.com',
  name: 'web1.example.com',
  transport: 'ssh',
  groups: ['webservers'],
  sources: [{ source: 'bolt', id: 'web1.example.com' }],
};

export const InventoryListParams = Type.Object({
  groups: groupNames('Only nodes in at least one of these groups.'),
  transport: transport(),
  ifNoneMatch: ifNoneMatch(),
}, {
  $id: 'InventoryListParams',
  additionalProperties: false,
  description: 'Filters of inventory.list; none lists every node.',
  examples: [{}, { groups: ['webservers'], transport: 'ssh' }],
});

export const InventoryListResult = Type.Object({
  nodes: Type.Array(ref(Node)),
  version: version(),
  notModified: notModified(),
}, {
  $id: 'InventoryListResult',
  description: 'The nodes of the inventory (none, with `notModified`, when the caller\'s snapshot is current).',
  examples: [{ nodes: [exampleNode] }, { nodes: [exampleNode], version: 'a1b2c3.7' }, { nodes: [], version: 'a1b2c3.7', notModified: true }],
});

export const InventoryGetParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 255, description: 'Node name (or one of its aliases).' }),
}, {
  $id: 'InventoryGetParams',
  additionalProperties: false,
  description: 'Which node to describe.',
  examples: [{ name: 'web1.example.com' }],
});

export const InventoryGetResult = Type.Object({
  node: Type.Union([ref(Node), Type.Null()], { description: 'The node, or null when this source does not know it.' }),
}, {
  $id: 'InventoryGetResult',
  description: 'One node.',
  examples: [{ node: exampleNode }, { node: null }],
});

export const InventoryGroupsParams = Type.Object({
  ifNoneMatch: ifNoneMatch(),
}, {
  $id: 'InventoryGroupsParams',
  additionalProperties: false,
  description: 'inventory.groups takes no filter; `ifNoneMatch` as in inventory.list.',
  examples: [{}],
});

export const InventoryGroupsResult = Type.Object({
  groups: Type.Array(ref(Group)),
  version: version(),
  notModified: notModified(),
}, {
  $id: 'InventoryGroupsResult',
  description: 'The groups of the inventory (none, with `notModified`, when the caller\'s snapshot is current).',
  examples: [{ groups: [{ name: 'webservers', targets: ['web1.example.com', 'web2.example.com'], sources: ['bolt'] }] }],
});

export const InventoryFilterParams = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Glob on the node name (`*` and `?`), e.g. `web*.example.com`.' })),
  groups: groupNames('Only nodes in at least one of these groups.'),
  transport: transport(),
  facts: Type.Optional(stringMap({
    maxProperties: 50,
    description: 'Fact path (dot-separated) to the exact value it must have; all must match.',
  })),
}, {
  $id: 'InventoryFilterParams',
  additionalProperties: false,
  description: 'Criteria of inventory.filter; all given criteria must match.',
  examples: [{ name: 'web*', facts: { 'os.family': 'Debian' } }],
});

export const InventoryFilterResult = Type.Object({
  nodes: Type.Array(ref(Node)),
}, {
  $id: 'InventoryFilterResult',
  description: 'The nodes matching every criterion.',
  examples: [{ nodes: [exampleNode] }],
});

export const inventoryList = defineContract({
  name: 'inventory.list',
  description: 'List the nodes known to the inventory sources, optionally limited to groups or a transport.',
  params: InventoryListParams,
  result: InventoryListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const inventoryGet = defineContract({
  name: 'inventory.get',
  description: 'Describe one node by name: its connection details, groups, variables and sources.',
  params: InventoryGetParams,
  result: InventoryGetResult,
  riskLevel: 'read',
  mode: 'query',
});

export const inventoryGroups = defineContract({
  name: 'inventory.groups',
  description: 'List the groups of the inventory with their member nodes and child groups.',
  params: InventoryGroupsParams,
  result: InventoryGroupsResult,
  riskLevel: 'read',
  mode: 'query',
});

export const inventoryFilter = defineContract({
  name: 'inventory.filter',
  description: 'Find nodes by name glob, groups, transport and fact values.',
  params: InventoryFilterParams,
  result: InventoryFilterResult,
  riskLevel: 'read',
  mode: 'query',
});

export const INVENTORY_CONTRACTS = [inventoryList, inventoryGet, inventoryGroups, inventoryFilter];
export const INVENTORY_SCHEMAS = [
  InventoryListParams, InventoryListResult, InventoryGetParams, InventoryGetResult,
  InventoryGroupsParams, InventoryGroupsResult, InventoryFilterParams, InventoryFilterResult,
];
