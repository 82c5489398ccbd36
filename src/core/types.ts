/**
 * The plugin contract and the core vocabulary.
 *
 * Glossary
 * - capability: a standardized operation named `family.verb` (inventory.list, command.execute), defined once
 *   as a contract in src/capabilities with params/result schemas, risk level and permissions.
 * - provider: a plugin that implements a capability; several may provide one, ordered by priority.
 * - plugin: a folder under plugins/native/<id> exporting a manifest and a Fastify plugin that adds a
 *   BasePlugin to the IntegrationManager.
 * - execution: one run of an execution-mode capability on targets, persisted with its output.
 * - target: a node name or a group name, expanded through the inventory (Bolt's --targets semantics).
 * - source: the plugin an inventory or aggregate answer came from.
 */
import type { Static, TSchema } from '@sinclair/typebox';
import type { Logger } from 'pino';

/** How dangerous a capability is; drives permissions and audit. */
export type RiskLevel = 'read' | 'write' | 'execute' | 'admin';

/** What kind of integration a plugin is (a plugin may be several). */
export type IntegrationType =
  | 'inventory' | 'facts' | 'remote_execution' | 'reports' | 'events'
  | 'provisioning' | 'package' | 'deployment' | 'alerting' | 'configuration_management';

/**
 * Who asks. `permissions` are capability names, `family.*`, `risk:<level>` or `*`: everything the principal
 * may use somewhere. `grants` (a caller with roles) tells where: each role's permissions apply only on its
 * `targets`. `scope` (an API token's) narrows every grant to those targets. A principal without `grants`
 * (a configured token with raw permissions, the system, auth off) has its permissions on every node its
 * `scope` allows.
 */
export interface Principal {
  id: string;
  permissions: string[];
  grants?: RoleGrant[];
  /** Target patterns (node names, group names, globs over node names, `all`) every target must match. */
  scope?: string[];
  /** The stored API token it authenticated with (its id, not a secret); absent for config tokens. */
  tokenId?: string;
}

/** One role of a principal: its permissions and, when limited, the target patterns they apply to. */
export interface RoleGrant {
  role: string;
  permissions: string[];
  targets?: string[];
}

/** A node as an execution handler receives it (the inventory `Node`, structurally). */
export interface TargetNode {
  name: string;
  uri?: string;
  transport?: string;
  groups: string[];
  sources: { source: string; id: string }[];
  vars?: Record<string, unknown>;
  alias?: string[];
}

/** A target's outcome inside an execution (also the `target_result` event payload). */
export interface TargetOutcome {
  target: string;
  status: 'succeeded' | 'failed' | 'canceled' | 'timed_out' | 'skipped';
  exitCode: number | null;
  /** Name of the signal that killed the target's top-level process (`SIGKILL`); exitCode is then 128 + n. */
  signal?: string;
  /** Structured value the provider got for this target (task output, parsed result). */
  value?: unknown;
  /**
   * Nodes this target's run created or removed (provision.create run on `localhost` made `web3`): the
   * ExecutionService writes the run's journal entry for each of them too, so a node's journal shows its
   * creation and its decommissioning. Plugins never write the journal themselves.
   */
  journalNodes?: string[];
  /** A problem object (category, code, title, detail) when the target failed. */
  error?: { category: string; code: string; title: string; detail: string };
  durationMs?: number;
  /** The run changed the target (a contract's `exitCodes.changed`, e.g. Puppet's detailed exit code 2). */
  changed?: boolean;
}

/** What a running handler may report while it works. */
export type ExecutionEmit =
  /** An output piece: a whole line, or (`partial`) text no newline follows yet, continued by the next piece. */
  | { type: 'stdout' | 'stderr'; target: string; line: string; partial?: boolean }
  /** Something the framework did on the target's behalf (ended output holders, processes left alive). */
  | { type: 'notice'; target: string; message: string }
  | ({ type: 'target_result' } & TargetOutcome);

/** The context every handler receives (never globals). */
export interface ExecutionContext {
  /** Request id of the call, or the execution id for runs; on every log line. */
  correlationId: string;
  principal: Principal;
  /** Debug flag: providers may add diagnostic output. */
  debug: boolean;
  /** Aborted on cancel, timeout or shutdown; pass it to execa. */
  signal: AbortSignal;
  /** Child logger bound to correlationId, plugin and capability. */
  logger: Logger;
  /** Set for execution-mode capabilities. */
  executionId?: string;
  /** Execution-mode only: the nodes this provider must act on (targets already expanded). */
  targets?: TargetNode[];
  /** Reports output lines and per-target results; a no-op for queries. */
  emit: (event: ExecutionEmit) => void;
}

/** A capability contract: authored once in src/capabilities, shared by routes, registry and plugins. */
export interface CapabilityContract<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  name: string;
  /** Family, e.g. `inventory`, `command`. */
  category: string;
  description: string;
  params: P;
  result: R;
  riskLevel: RiskLevel;
  requiredPermissions: string[];
  /** `query` answers in the request; `execution` runs on targets through the ExecutionService. */
  mode: 'query' | 'execution';
  /**
   * Execution capabilities whose command speaks in exit codes beyond 0 / non-zero (Puppet's
   * `--detailed-exitcodes`): which exit codes are a success, and which say the target was changed. The
   * ExecutionService applies it to every target result (src/execution/exit-codes.ts).
   */
  exitCodes?: ExitCodeRule;
  /**
   * Its own code may reach nodes beyond its targets (a Bolt plan: `get_targets('all')`, TargetSpec
   * parameters): a principal limited to targets may not use it, it needs the capability on every node.
   */
  reachesBeyondTargets?: boolean;
  /**
   * Query params that name nodes (a name or a list of names); default `node` and `nodes`. A principal limited
   * to targets may name only nodes in its reach; a write-level query that names none needs the capability on
   * every node.
   */
  nodeParams?: string[];
  /** A run sends a report per target to the reports.* sources (a Puppet run): the execution links to them. */
  producesReports?: boolean;
  /**
   * Execution capabilities: exclusive queue locks a run takes besides its nodes' slots (src/execution/queue.ts),
   * for what its params name that two runs must not change at once, such as the state of one provisioned
   * resource (`provision:<name>`): one run per key at a time, whatever execution.perNodeConcurrency says.
   * Pure and cheap: it is called at submit and again when a queued run is re-queued after a restart.
   */
  lockKeys?: (params: Record<string, unknown>, nodes: string[]) => string[];
  /**
   * Execution capabilities: the caller chooses the tool (a deployment: Jenkins or GitLab act on the same nodes,
   * none knows them better): with several providers enabled, a submit without `provider` is a 400 rather than
   * a run on whichever ranks first.
   */
  callerChoosesProvider?: boolean;
}

/** See CapabilityContract.exitCodes. */
export interface ExitCodeRule {
  /** Exit codes that mean the run succeeded (default: only 0). */
  succeeded: number[];
  /** Exit codes that mean the target was changed, succeeded or not. */
  changed: number[];
}

export type CapabilityHandler<P extends TSchema = TSchema, R extends TSchema = TSchema> =
  (params: Static<P>, ctx: ExecutionContext) => Promise<Static<R>>;

/** A capability as a plugin provides it: the contract plus the plugin's handler. */
export interface PluginCapability<P extends TSchema = TSchema, R extends TSchema = TSchema> extends CapabilityContract<P, R> {
  handler: CapabilityHandler<P, R>;
  /** Higher wins; default 50. Overridable per plugin by config `plugins.<id>.priority`. */
  priority?: number;
  /**
   * Execution capabilities: whether running on `node` executes as the server's own OS account (a local
   * transport that does not switch to another account), which the ExecutionService allows only to the admin
   * permission `*` (src/core/server-account.ts). Default: `node.transport === 'local'`.
   */
  runsAsServer?: (node: TargetNode) => boolean;
  /**
   * Execution capabilities: checks a submit's params against what only this provider knows (a Terraform
   * module's declared variables, a template that must exist) before anything is stored or queued. Called at
   * submit for the providers that will run it; any issue makes the submit a 400 (CAPSTAN_ERR_CAPABILITY_PARAMS_INVALID)
   * whose `errors` point into the params. Must not change anything.
   */
  validate?: (params: Static<P>, ctx: ExecutionContext) => Promise<ParamIssue[]>;
  /**
   * Extra time (ms) this provider needs after an abort to stop its work cleanly (a tool given an interrupt
   * and a while to write its state before it is killed): added to the caller's settle window and time limit
   * (InvokeOptions.abortSettleMs, timeoutMs), so a run keeps its queue locks until its processes are gone.
   */
  abortSettleMs?: number;
}

/** A problem a provider found in params: where (a JSON pointer inside the params, `/variables/size`) and what. */
export interface ParamIssue {
  pointer: string;
  message: string;
}

/** Builds a PluginCapability from a contract, so a plugin never restates schemas. */
export function implement<P extends TSchema, R extends TSchema>(
  contract: CapabilityContract<P, R>,
  handler: CapabilityHandler<P, R>,
  opts: { priority?: number; runsAsServer?: (node: TargetNode) => boolean; validate?: PluginCapability<P, R>['validate']; abortSettleMs?: number } = {},
): PluginCapability<P, R> {
  return {
    ...contract, handler, priority: opts.priority, ...(opts.runsAsServer ? { runsAsServer: opts.runsAsServer } : {}),
    ...(opts.validate ? { validate: opts.validate } : {}), ...(opts.abortSettleMs ? { abortSettleMs: opts.abortSettleMs } : {}),
  };
}

export interface PluginMetadata {
  /** kebab-case id, equal to the folder name. */
  name: string;
  version: string;
  description: string;
  integrationTypes: IntegrationType[];
  /** Plugins that must be initialized first. */
  dependencies?: string[];
  /** When true, /health/ready is 503 while this plugin is not healthy. */
  required?: boolean;
}

export type HealthState = 'healthy' | 'degraded' | 'unhealthy';

export interface HealthStatus {
  status: HealthState;
  message?: string;
  details?: Record<string, unknown>;
}

/** Lifecycle every plugin implements; the IntegrationManager drives it. */
export abstract class BasePlugin {
  abstract readonly metadata: PluginMetadata;
  /** Capabilities this plugin provides; read once when the plugin is added. */
  abstract capabilities(): PluginCapability<any, any>[];
  /** Prepare connections, check tools. Throwing or hanging marks the plugin failed. */
  async initialize(): Promise<void> {}
  /** Cheap check run periodically with a timeout. */
  async healthCheck(): Promise<HealthStatus> {
    return { status: 'healthy' };
  }
  /** Release resources; called once on app close. */
  async shutdown(): Promise<void> {}
}

/** What a native plugin folder exports as `manifest`. */
export interface PluginManifest {
  id: string;
  version: string;
  description: string;
  /** Capability names the plugin may provide; providing anything else throws at boot. */
  provides: string[];
  /** TypeBox schema of `plugins.<id>` config (defaults filled in by the loader). */
  configSchema: TSchema;
  /** Enabled when config says nothing. */
  enabledByDefault: boolean;
  /**
   * Config keys whose presence enables the plugin when `enabled` is not set (the puppetdb plugin's `url`:
   * `CAPSTAN_PLUGINS_PUPPETDB_URL=...` alone turns it on). `enabled: false` still wins.
   */
  enabledBy?: string[];
}
