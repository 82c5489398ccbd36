/**
 * Named schemas of the record resources (reports, events, alerts, packages, deployments, provisioning):
 * the aggregate page wrappers around the contracts' item schemas, the SSE frame of the events stream, and
 * the request bodies built from the contracts' params. Registered once with addSchema after API_SCHEMAS.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { SourceStatus, TargetSelection, nextCursor, ref } from '../capabilities/common.js';
import { Alert, Deployment, Event, Package, Report } from '../capabilities/records.js';
import { ManagedResource } from '../capabilities/resources.js';
import { AlertAcknowledgeParams, AlertResolveParams } from '../capabilities/alert.js';
import { DeployExecuteParams, DeployRollbackParams } from '../capabilities/deploy.js';
import { PackageInstallParams, PackageUninstallParams, PackageUpdateParams } from '../capabilities/package.js';
import { DecommissionExecuteParams, ProvisionCreateParams } from '../capabilities/provision.js';
import { problemEvent, sseEvent } from '../execution/sse.js';

const sources = () => Type.Array(ref(SourceStatus), { description: 'How each source answered (one failing source never fails the read).' });

/** `{ items, nextCursor, sources }` around a contract's item schema. */
function page(item: TSchema, $id: string, description: string) {
  return Type.Object({ items: Type.Array(ref(item)), nextCursor: nextCursor(), sources: sources() }, { $id, description });
}

/** A page whose sources may tell how many items match in all (PuppetDB's include_total). */
function countedPage(item: TSchema, $id: string, description: string) {
  return Type.Object({
    items: Type.Array(ref(item)),
    nextCursor: nextCursor(),
    sources: sources(),
    total: Type.Optional(Type.Integer({
      minimum: 0,
      description: 'How many items match in all sources together: present when every source answered and told its total (PuppetDB does).',
    })),
  }, { $id, description });
}

export const ReportPage = countedPage(Report, 'ReportPage', 'Reports of every reports source, newest first (`startTime`), with per-source status.');
export const EventPage = countedPage(Event, 'EventPage', 'Events of every events source, newest first (`timestamp`), with per-source status.');
export const AlertPage = countedPage(Alert, 'AlertPage', 'Alerts of every monitoring source, newest first (`since`), with per-source status.');
export const DeploymentPage = page(Deployment, 'DeploymentPage', 'Deployments of every deployment source, newest first (`startedAt`), with per-source status.');
export const PackageSearchPage = page(Package, 'PackageSearchPage', 'Packages available from the repositories, as each source found them (each item names its `source`).');

export const PackagePage = Type.Object({
  node: Type.String({ description: 'Node name.' }),
  items: Type.Array(ref(Package)),
  nextCursor: nextCursor(),
  sources: sources(),
}, { $id: 'PackagePage', description: 'The packages of a node as each source reports them (each item names its `source`), sorted by name.' });

export const ResourcePage = Type.Object({
  node: Type.String({ description: 'Node name.' }),
  items: Type.Array(ref(ManagedResource)),
  nextCursor: nextCursor(),
  sources: sources(),
  total: Type.Optional(Type.Integer({ minimum: 0, description: 'How many resources match in all sources together, when every source answered and told its total.' })),
}, { $id: 'ResourcePage', description: 'The resources configuration management manages on a node, source by source (each item names its `source`), each sorted by type and title.' });

export const EventStreamFrame = Type.Unsafe<{ id?: string; event: string; data: string }>({
  $id: 'EventStreamFrame',
  description: 'One event of the events stream, as an object: `event: event` with `id:` (the stream cursor; resume with Last-Event-ID '
    + 'or ?after=) and an Event as JSON `data:`; `event: source_status` (no id) with a SourceStatus when a source fails or recovers; '
    + '`event: problem` (no id) ends a stream that fails after it started; with ?follow=false, `event: caught_up` (with the cursor as id) '
    + 'ends the stream once every source is read to its end. `: heartbeat` comments (at least every 15 s of silence) are not events.',
  oneOf: [
    sseEvent(['event'], ref(Event), Type.String({ description: 'The stream cursor: resume with Last-Event-ID or ?after=.' })),
    sseEvent(['source_status'], ref(SourceStatus)),
    sseEvent(['caught_up'], Type.Object({
      events: Type.Integer({ minimum: 0, description: 'How many `event` frames this stream sent.' }),
    }, { additionalProperties: false, description: 'Every source was read to its end (only with ?follow=false); the stream ends here.' }),
    Type.String({ description: 'The stream cursor after the last event: resume with ?after= (or Last-Event-ID) to get only newer events.' })),
    problemEvent(),
  ],
});

/** The `{ targets, params, timeoutSeconds? }` body of a route that submits an execution-mode capability. */
function executionRequest<P extends TSchema>(params: P, $id: string, capability: string) {
  return Type.Object({
    targets: ref(TargetSelection),
    params: ref(params),
    timeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, description: 'Server-enforced timeout; default from config (3600).' })),
  }, {
    $id,
    additionalProperties: false,
    description: `Submits ${capability} on the targets (node or group names); answers 202 with the queued execution. Send an Idempotency-Key header to make retries safe.`,
  });
}

/** A contract's params without the keys the path carries, as a named body schema. */
function withoutPathKeys<T extends TObject, K extends keyof T['properties'] & string>(params: T, keys: K[], $id: string, description: string, examples: unknown[]) {
  return Type.Omit(params, keys, { $id, additionalProperties: false, description, examples });
}

export const AlertAcknowledgeBody = withoutPathKeys(AlertAcknowledgeParams, ['id'], 'AlertAcknowledgeBody',
  'alert.acknowledge params without the alert id (in the path); the caller is recorded as `acknowledgement.by`.',
  [{ comment: 'cleaning up logs', durationSeconds: 7200 }]);
export const AlertResolveBody = withoutPathKeys(AlertResolveParams, ['id'], 'AlertResolveBody',
  'alert.resolve params without the alert id (in the path).', [{ comment: 'logs rotated' }]);
export const DeployRollbackBodyParams = withoutPathKeys(DeployRollbackParams, ['deploymentId'], 'DeployRollbackBodyParams',
  'deploy.rollback params without the deployment id (in the path).', [{ application: 'storefront', environment: 'production' }]);

export const PackageInstallRequest = executionRequest(PackageInstallParams, 'PackageInstallRequest', 'package.install');
export const PackageUninstallRequest = executionRequest(PackageUninstallParams, 'PackageUninstallRequest', 'package.uninstall');
export const PackageUpdateRequest = executionRequest(PackageUpdateParams, 'PackageUpdateRequest', 'package.update');
export const DeployExecuteRequest = executionRequest(DeployExecuteParams, 'DeployExecuteRequest', 'deploy.execute');
export const DeployRollbackRequest = executionRequest(DeployRollbackBodyParams, 'DeployRollbackRequest', 'deploy.rollback');
export const ProvisionCreateRequest = executionRequest(ProvisionCreateParams, 'ProvisionCreateRequest', 'provision.create (targets: the nodes that drive the provisioner, e.g. localhost)');
export const DecommissionExecuteRequest = executionRequest(DecommissionExecuteParams, 'DecommissionExecuteRequest', 'decommission.execute (targets: the nodes to decommission)');

/** Every schema of this file, each after the ones it references; register after API_SCHEMAS. */
export const RECORD_API_SCHEMAS: TSchema[] = [
  ReportPage, EventPage, AlertPage, DeploymentPage, PackageSearchPage, PackagePage, ResourcePage, EventStreamFrame,
  AlertAcknowledgeBody, AlertResolveBody, DeployRollbackBodyParams,
  PackageInstallRequest, PackageUninstallRequest, PackageUpdateRequest, DeployExecuteRequest, DeployRollbackRequest,
  ProvisionCreateRequest, DecommissionExecuteRequest,
];
