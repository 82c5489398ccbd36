/**
 * Provisioning contracts: create machines (Terraform, vSphere, Proxmox, libvirt, ...) and take nodes out of
 * service. provision.create runs on the targets that drive the provisioner (e.g. `localhost` for a local
 * Terraform); decommission.execute runs on the nodes being decommissioned. Both are admin-level executions.
 */
import { Type } from '@sinclair/typebox';
import { ExecutionResult, anyObject, dateTime, defineContract, ref, stringEnum, stringMap } from './common.js';
import { ProvisionedResource } from './records.js';
import { sensitive, sensitiveKeys } from './sensitive.js';

const hostname = (description: string) => Type.String({
  minLength: 1,
  maxLength: 253,
  pattern: '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$',
  description,
});

const exampleResource = {
  id: '4217c6a2-5b1e-4c3d-9f0a-1e2d3c4b5a69',
  name: 'web3.example.com',
  provider: 'vsphere',
  status: 'running',
  node: 'web3.example.com',
  source: 'terraform',
};

export const ProvisionCreateParams = Type.Object({
  name: hostname('Name of the new machine; becomes its inventory name.'),
  template: Type.String({ minLength: 1, maxLength: 255, description: 'Image, template or module to build from (e.g. ubuntu-22.04, modules/vm).' }),
  provider: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Infrastructure provider when the plugin drives several (vsphere, proxmox, aws, ...).' })),
  size: Type.Optional(Type.Object({
    cpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
    memoryMb: Type.Optional(Type.Integer({ minimum: 128 })),
    diskGb: Type.Optional(Type.Integer({ minimum: 1 })),
  }, { additionalProperties: false })),
  network: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Network or subnet to attach to.' })),
  groups: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 255 }), { maxItems: 100, description: 'Inventory groups the new node joins.' })),
  tags: Type.Optional(stringMap({ maxProperties: 50, description: 'Tags or labels set on the resource.' })),
  variables: Type.Optional(anyObject({
    ...sensitiveKeys(),
    description: 'Extra provider variables (Terraform input variables, ...). Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`.',
  })),
  secretVariables: Type.Optional(anyObject({
    ...sensitive(),
    description: 'Variables whose values are secrets whatever their names (a Terraform variable declared `sensitive`): merged with `variables`, '
      + 'write-only (answers show `***`, output never shows the values).',
  })),
  autoApprove: Type.Optional(Type.Boolean({
    description: 'Apply in the same run, without a separate approval. Without it a provider that can show a plan first (Terraform, OpenTofu) stops '
      + 'after the plan: the target result is the resource with status `pending` and its `plan`; approve it with `approvePlan`.',
  })),
  approvePlan: Type.Optional(Type.String({
    minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$',
    description: 'Apply the saved plan with this id (the `plan.id` of an earlier run without autoApprove), exactly as it was shown. '
      + 'Fails when it is not the pending plan of `name`, or when the state changed since (a stale plan: plan again).',
  })),
}, {
  $id: 'ProvisionCreateParams',
  additionalProperties: false,
  description: 'The machine to create. Each target result carries the ProvisionedResource as `value`.',
  examples: [{ name: 'web3.example.com', template: 'ubuntu-22.04', size: { cpus: 2, memoryMb: 4096, diskGb: 40 }, groups: ['webservers'] }],
});

export const ProvisionStatusParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 255, description: 'Resource id or name.' }),
}, {
  $id: 'ProvisionStatusParams',
  additionalProperties: false,
  description: 'Which provisioned resource to describe.',
  examples: [{ id: 'web3.example.com' }],
});

export const ProvisionStatusResult = Type.Object({
  resource: Type.Union([ref(ProvisionedResource), Type.Null()], { description: 'The resource, or null when this source does not know it.' }),
}, {
  $id: 'ProvisionStatusResult',
  description: 'The current state of a provisioned resource.',
  examples: [{ resource: exampleResource }, { resource: null }],
});

export const DecommissionExecuteParams = Type.Object({
  resources: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 1024, pattern: '^[^\\s-][^\\s]*$' }), {
    minItems: 1, maxItems: 100,
    description: 'destroy only: only these resources of what was provisioned (Terraform resource addresses such as `terraform_data.disk`, '
      + 'passed as `-target`); the node stays in the inventory while anything is left. Absent: everything.',
  })),
  action: Type.Optional(stringEnum(['deregister', 'power_off', 'destroy'], {
    default: 'destroy',
    description: 'deregister: remove from inventories and monitoring only; power_off: also stop the machine; destroy: also delete it.',
  })),
  reason: Type.Optional(Type.String({ maxLength: 1024, description: 'Why, for the audit journal.' })),
  force: Type.Optional(Type.Boolean({ default: false, description: 'Proceed even when the node is unreachable or a cleanup step fails.' })),
}, {
  $id: 'DecommissionExecuteParams',
  additionalProperties: false,
  description: 'How to decommission the target nodes.',
  examples: [{ action: 'destroy', reason: 'replaced by web3' }, { action: 'deregister' }],
});

export const DecommissionStatusParams = Type.Object({
  node: Type.String({ minLength: 1, maxLength: 255, description: 'Node name.' }),
}, {
  $id: 'DecommissionStatusParams',
  additionalProperties: false,
  description: 'Which node to report on.',
  examples: [{ node: 'web1.example.com' }],
});

export const DecommissionStatusResult = Type.Object({
  node: Type.String(),
  status: stringEnum(['active', 'decommissioning', 'decommissioned', 'failed', 'unknown']),
  updatedAt: Type.Optional(dateTime()),
  resource: Type.Optional(ref(ProvisionedResource)),
  detail: Type.Optional(Type.String({ description: 'What is left to do, or why it failed.' })),
}, {
  $id: 'DecommissionStatusResult',
  description: 'Where a node stands in decommissioning.',
  examples: [{ node: 'web1.example.com', status: 'decommissioned', updatedAt: '2026-11-25T12:00:00Z', resource: { ...exampleResource, name: 'web1.example.com', node: 'web1.example.com', status: 'destroyed' } }],
});

/** The queue lock of a provisioned resource's state: one run changes it at a time (src/execution/queue.ts). */
export const provisionLock = (name: string) => `provision:${name}`;

export const provisionCreate = defineContract({
  name: 'provision.create',
  description: 'Create a machine from a template with a provisioning tool and register it as a node.',
  params: ProvisionCreateParams,
  result: ref(ExecutionResult),
  riskLevel: 'admin',
  mode: 'execution',
  lockKeys: (params) => (typeof params.name === 'string' ? [provisionLock(params.name)] : []),
});

export const provisionStatus = defineContract({
  name: 'provision.status',
  description: 'Get the state of a provisioned resource.',
  params: ProvisionStatusParams,
  result: ProvisionStatusResult,
  riskLevel: 'read',
  mode: 'query',
});

export const decommissionExecute = defineContract({
  name: 'decommission.execute',
  description: 'Take the target nodes out of service: deregister them, power them off or destroy them.',
  params: DecommissionExecuteParams,
  result: ref(ExecutionResult),
  riskLevel: 'admin',
  mode: 'execution',
  // The nodes being decommissioned are the provisioned resources (a node's name is its resource's name).
  lockKeys: (_params, nodes) => nodes.map(provisionLock),
});

export const decommissionStatus = defineContract({
  name: 'decommission.status',
  description: 'Get where a node stands in decommissioning.',
  params: DecommissionStatusParams,
  result: DecommissionStatusResult,
  riskLevel: 'read',
  mode: 'query',
});

export const PROVISION_CONTRACTS = [provisionCreate, provisionStatus, decommissionExecute, decommissionStatus];
export const PROVISION_SCHEMAS = [
  ProvisionCreateParams, ProvisionStatusParams, ProvisionStatusResult,
  DecommissionExecuteParams, DecommissionStatusParams, DecommissionStatusResult,
];
