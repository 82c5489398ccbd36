/**
 * The capability catalogue: every standardized contract, and every named schema to register once
 * (`fastify.addSchema`, the registry's validator) before any route or contract refers to it.
 */
import type { TSchema } from '@sinclair/typebox';
import type { CapabilityContract } from '../core/types.js';
import { COMMON_SCHEMAS } from './common.js';
import { RECORD_SCHEMAS } from './records.js';
import { INVENTORY_CONTRACTS, INVENTORY_SCHEMAS } from './inventory.js';
import { INFO_CONTRACTS, INFO_SCHEMAS } from './info.js';
import { EXECUTION_CONTRACTS, EXECUTION_SCHEMAS } from './execution.js';
import { REPORTS_CONTRACTS, REPORTS_SCHEMAS } from './reports.js';
import { EVENTS_CONTRACTS, EVENTS_SCHEMAS } from './events.js';
import { JOURNAL_CONTRACTS, JOURNAL_SCHEMAS } from './journal.js';
import { PROVISION_CONTRACTS, PROVISION_SCHEMAS } from './provision.js';
import { PACKAGE_CONTRACTS, PACKAGE_SCHEMAS } from './package.js';
import { DEPLOY_CONTRACTS, DEPLOY_SCHEMAS } from './deploy.js';
import { ALERT_CONTRACTS, ALERT_SCHEMAS } from './alert.js';
import { PUPPET_CONTRACTS, PUPPET_SCHEMAS } from './puppet.js';
import { CONFIGSERVER_CONTRACTS, CONFIGSERVER_SCHEMAS } from './configserver.js';
import { CERTIFICATE_CONTRACTS, CERTIFICATE_SCHEMAS } from './certificate.js';
import { RESOURCES_CONTRACTS, RESOURCES_SCHEMAS } from './resources.js';
import { QUERY_CONTRACTS, QUERY_SCHEMAS } from './query.js';
import { mask, redactBySchema, secretsBySchema } from './sensitive.js';

export * from './common.js';
export * from './records.js';
export * from './inventory.js';
export * from './info.js';
export * from './execution.js';
export * from './reports.js';
export * from './events.js';
export * from './provision.js';
export * from './package.js';
export * from './deploy.js';
export * from './alert.js';
export * from './puppet.js';
export * from './configserver.js';
export * from './certificate.js';
export * from './resources.js';
export * from './journal.js';
export * from './snapshot-inventory.js';
export * from './query.js';
export * from './sensitive.js';

/** Every standardized capability contract. */
export const CONTRACTS: CapabilityContract[] = [
  ...INVENTORY_CONTRACTS,
  ...INFO_CONTRACTS,
  ...EXECUTION_CONTRACTS,
  ...REPORTS_CONTRACTS,
  ...EVENTS_CONTRACTS,
  ...JOURNAL_CONTRACTS,
  ...PROVISION_CONTRACTS,
  ...PACKAGE_CONTRACTS,
  ...DEPLOY_CONTRACTS,
  ...ALERT_CONTRACTS,
  ...PUPPET_CONTRACTS,
  ...CONFIGSERVER_CONTRACTS,
  ...CERTIFICATE_CONTRACTS,
  ...RESOURCES_CONTRACTS,
  ...QUERY_CONTRACTS,
];

/**
 * Every schema with an `$id`, each once, shared ones first and each after the schemas it references:
 * register them all with `addSchema` in this order.
 */
export const SHARED_SCHEMAS: TSchema[] = [
  ...COMMON_SCHEMAS,
  ...RECORD_SCHEMAS,
  ...INVENTORY_SCHEMAS,
  ...INFO_SCHEMAS,
  ...EXECUTION_SCHEMAS,
  ...REPORTS_SCHEMAS,
  ...EVENTS_SCHEMAS,
  ...JOURNAL_SCHEMAS,
  ...PROVISION_SCHEMAS,
  ...PACKAGE_SCHEMAS,
  ...DEPLOY_SCHEMAS,
  ...ALERT_SCHEMAS,
  ...PUPPET_SCHEMAS,
  ...CONFIGSERVER_SCHEMAS,
  ...CERTIFICATE_SCHEMAS,
  ...RESOURCES_SCHEMAS,
  ...QUERY_SCHEMAS,
];

const byName = new Map(CONTRACTS.map((c) => [c.name, c]));

/** The contract of a capability, or undefined for an unknown name. */
export function contractByName(name: string): CapabilityContract | undefined {
  return byName.get(name);
}

const byId = new Map(SHARED_SCHEMAS.map((s) => [String(s.$id), s]));
const lookup = (id: string) => byId.get(id);

/**
 * A capability's params as every answer shows them: the values its contract marks secret (`x-sensitive`,
 * `x-sensitive-keys`) replaced by REDACTED. Params of an unknown capability are masked whole (fail closed).
 */
export function redactParams(name: string, params: Record<string, unknown>): Record<string, unknown> {
  const contract = byName.get(name);
  return (contract ? redactBySchema(contract.params, params, lookup) : mask(params)) as Record<string, unknown>;
}

/** The secret strings in a capability's params (see redactParams), e.g. to keep them out of the logs. */
export function secretParams(name: string, params: Record<string, unknown>): string[] {
  const contract = byName.get(name);
  return contract ? secretsBySchema(contract.params, params, lookup) : [];
}
