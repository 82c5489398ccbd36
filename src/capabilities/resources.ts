/**
 * Resources contracts: what a configuration-management tool manages on a node (Puppet's catalog resources:
 * packages, services, files, ...), as it last compiled or applied them. A read; changing them is the
 * tool's own run.
 */
import { Type } from '@sinclair/typebox';
import { anyObject, cursorParam, defineContract, limitParam, nextCursor, ref } from './common.js';

/** Resource types as Puppet spells them (`Package`, `Service`, `File`, `Apache::Vhost`). */
const RESOURCE_TYPE = { minLength: 1, maxLength: 255, pattern: '^[A-Za-z][A-Za-z0-9_]*(::[A-Za-z][A-Za-z0-9_]*)*$' };

export const ManagedResource = Type.Object({
  type: Type.String({ description: 'Resource type, e.g. Package, Service, File.' }),
  title: Type.String({ description: 'Resource title, e.g. openssh-server, /etc/motd.' }),
  node: Type.String({ description: 'Node name.' }),
  parameters: Type.Optional(anyObject({ description: 'Parameters as declared (ensure, content, ...).' })),
  file: Type.Optional(Type.String({ description: 'Manifest file that declares it.' })),
  line: Type.Optional(Type.Integer({ minimum: 0, description: 'Line in that file.' })),
  tags: Type.Optional(Type.Array(Type.String())),
  exported: Type.Optional(Type.Boolean({ description: 'True for an exported resource.' })),
  environment: Type.Optional(Type.String({ description: 'Code environment of the catalog.' })),
  source: Type.String({ description: 'Plugin id of the source.' }),
}, {
  $id: 'ManagedResource',
  description: 'One resource a configuration-management tool manages on a node (a Puppet catalog resource).',
  examples: [{
    type: 'Package', title: 'openssh-server', node: 'web1.example.com', parameters: { ensure: 'installed' },
    file: '/etc/puppetlabs/code/environments/production/manifests/site.pp', line: 6, tags: ['package', 'openssh-server'],
    exported: false, environment: 'production', source: 'puppetdb',
  }],
});

export const ResourcesListParams = Type.Object({
  node: Type.String({ minLength: 1, maxLength: 255, description: 'Node name.' }),
  types: Type.Optional(Type.Array(Type.String(RESOURCE_TYPE), { minItems: 1, maxItems: 50, description: 'Only resources of these types (Package, Service, File, ...).' })),
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Only resources with this exact title.' })),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'ResourcesListParams',
  additionalProperties: false,
  description: 'Whose managed resources to list, optionally by type and title.',
  examples: [{ node: 'web1.example.com' }, { node: 'web1.example.com', types: ['Package', 'Service'] }],
});

export const ResourcesListResult = Type.Object({
  node: Type.String(),
  resources: Type.Array(ref(ManagedResource), { description: 'Sorted by type, then title.' }),
  nextCursor: nextCursor(),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many resources match in all, when the source tells.' })),
}, {
  $id: 'ResourcesListResult',
  description: 'A page of the resources managed on a node.',
  examples: [{ node: 'web1.example.com', resources: [(ManagedResource.examples as unknown[])[0]], nextCursor: null, total: 1 }],
});

export const resourcesList = defineContract({
  name: 'resources.list',
  description: 'List the resources a configuration-management tool manages on a node (packages, services, files, ...).',
  params: ResourcesListParams,
  result: ResourcesListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const RESOURCES_CONTRACTS = [resourcesList];
export const RESOURCES_SCHEMAS = [ManagedResource, ResourcesListParams, ResourcesListResult];
