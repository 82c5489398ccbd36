/**
 * Deployment contracts: roll an application version out to the targets (or back) as executions, and read
 * deployment state and history from the deployment tool (Jenkins, GitLab CI, Argo, Capistrano, ...).
 */
import { Type } from '@sinclair/typebox';
import { ExecutionResult, anyObject, cursorParam, defineContract, limitParam, nextCursor, ref, stringEnum } from './common.js';
import { Deployment } from './records.js';
import { sensitiveKeys } from './sensitive.js';

const NAME = { minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' };

/** The record's own documented example (records.ts), reused so the two never drift apart. */
const exampleDeployment = (Deployment.examples as Record<string, unknown>[])[0];

export const DeployExecuteParams = Type.Object({
  application: Type.String({ ...NAME, description: 'Application to deploy.' }),
  version: Type.String({ minLength: 1, maxLength: 255, description: 'Version, tag or commit to deploy.' }),
  environment: Type.String({ ...NAME, description: 'Environment, e.g. staging or production.' }),
  strategy: Type.Optional(stringEnum(['all_at_once', 'rolling', 'canary'], {
    default: 'rolling',
    description: 'How to roll out across the targets.',
  })),
  batchSize: Type.Optional(Type.Integer({ minimum: 1, description: 'Targets per batch for rolling and canary deployments.' })),
  parameters: Type.Optional(anyObject({
    ...sensitiveKeys(),
    description: 'Extra parameters for the deployment tool (pipeline or job parameters). Values of keys named like secrets (`x-sensitive-keys`) are write-only: answers show `***`.',
  })),
}, {
  $id: 'DeployExecuteParams',
  additionalProperties: false,
  description: 'What to deploy where. Each target result carries the Deployment as `value` when the tool reports one.',
  examples: [{ application: 'storefront', version: '2.14.1', environment: 'production', strategy: 'rolling', batchSize: 1 }],
});

export const DeployRollbackParams = Type.Object({
  application: Type.String({ ...NAME }),
  environment: Type.String({ ...NAME }),
  toVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Version to go back to; default: the previous successful one.' })),
  deploymentId: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'The deployment to undo; default: the latest.' })),
}, {
  $id: 'DeployRollbackParams',
  additionalProperties: false,
  description: 'What to roll back on the targets.',
  examples: [{ application: 'storefront', environment: 'production' }, { application: 'storefront', environment: 'production', toVersion: '2.13.4' }],
});

export const DeployStatusParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 255, description: 'Deployment id.' }),
}, {
  $id: 'DeployStatusParams',
  additionalProperties: false,
  description: 'Which deployment to describe.',
  examples: [{ id: 'dep-2026-11-25-0007' }],
});

export const DeployStatusResult = Type.Object({
  deployment: Type.Union([ref(Deployment), Type.Null()], { description: 'The deployment, or null when this source does not know it.' }),
}, {
  $id: 'DeployStatusResult',
  description: 'The state of one deployment.',
  examples: [{ deployment: exampleDeployment }, { deployment: null }],
});

export const DeployHistoryParams = Type.Object({
  application: Type.Optional(Type.String({ ...NAME })),
  environment: Type.Optional(Type.String({ ...NAME })),
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Only deployments that touched this node.' })),
  limit: limitParam(),
  cursor: cursorParam(),
}, {
  $id: 'DeployHistoryParams',
  additionalProperties: false,
  description: 'Which deployments to list (newest first).',
  examples: [{ application: 'storefront', environment: 'production', limit: 10 }],
});

export const DeployHistoryResult = Type.Object({
  deployments: Type.Array(ref(Deployment)),
  nextCursor: nextCursor(),
}, {
  $id: 'DeployHistoryResult',
  description: 'A page of past deployments, newest first.',
  examples: [{ deployments: [exampleDeployment], nextCursor: null }],
});

export const deployExecute = defineContract({
  name: 'deploy.execute',
  description: 'Deploy an application version to an environment on the targets.',
  params: DeployExecuteParams,
  result: ref(ExecutionResult),
  riskLevel: 'write',
  mode: 'execution',
  callerChoosesProvider: true,
});

export const deployRollback = defineContract({
  name: 'deploy.rollback',
  description: 'Roll an application on the targets back to a previous version.',
  params: DeployRollbackParams,
  result: ref(ExecutionResult),
  riskLevel: 'write',
  mode: 'execution',
  callerChoosesProvider: true,
});

export const deployStatus = defineContract({
  name: 'deploy.status',
  description: 'Get the state of one deployment.',
  params: DeployStatusParams,
  result: DeployStatusResult,
  riskLevel: 'read',
  mode: 'query',
});

export const deployHistory = defineContract({
  name: 'deploy.history',
  description: 'List past deployments by application, environment or node, newest first.',
  params: DeployHistoryParams,
  result: DeployHistoryResult,
  riskLevel: 'read',
  mode: 'query',
});

export const DEPLOY_CONTRACTS = [deployExecute, deployRollback, deployStatus, deployHistory];
export const DEPLOY_SCHEMAS = [DeployExecuteParams, DeployRollbackParams, DeployStatusParams, DeployStatusResult, DeployHistoryParams, DeployHistoryResult];
