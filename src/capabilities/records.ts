/**
 * Shared named schemas of the records the non-inventory families return: configuration-management reports
 * (Puppet/PuppetDB), events, alerts (Alertmanager), packages (apt/yum/dnf), deployments (CI/CD tools) and
 * provisioned resources (Terraform, hypervisors). Each carries `source`, the plugin id it came from.
 */
import { Type } from '@sinclair/typebox';
import { anyObject, dateTime, ref, stringEnum, stringMap } from './common.js';

/** Outcome of a configuration-management run. */
export function reportStatus() {
  return stringEnum(['changed', 'unchanged', 'failed'], {
    description: 'Outcome of the run: resources changed, nothing changed, or failures.',
  });
}

/** Event severities, syslog-like, lowest first. */
export function eventSeverity() {
  return stringEnum(['debug', 'info', 'notice', 'warning', 'error', 'critical']);
}

export const Report = Type.Object({
  id: Type.String({ description: 'Report id in its source (PuppetDB report hash, run id).' }),
  node: Type.String({ description: 'Node name.' }),
  source: Type.String({ description: 'Plugin id of the source.' }),
  status: reportStatus(),
  startTime: dateTime(),
  endTime: Type.Optional(dateTime()),
  noop: Type.Optional(Type.Boolean({ description: 'True for a simulation (noop) run.' })),
  environment: Type.Optional(Type.String({ description: 'Code environment, e.g. production.' })),
  configurationVersion: Type.Optional(Type.String()),
  agentVersion: Type.Optional(Type.String({ description: 'Version of the agent that ran (Puppet, Chef, ...).' })),
  correctiveChange: Type.Optional(Type.Boolean({ description: 'True when the run corrected drift.' })),
  metrics: Type.Optional(Type.Object({
    resources: Type.Optional(Type.Object({
      total: Type.Optional(Type.Integer({ minimum: 0 })),
      changed: Type.Optional(Type.Integer({ minimum: 0 })),
      failed: Type.Optional(Type.Integer({ minimum: 0 })),
      skipped: Type.Optional(Type.Integer({ minimum: 0 })),
      outOfSync: Type.Optional(Type.Integer({ minimum: 0 })),
    })),
    durationSeconds: Type.Optional(Type.Number({ minimum: 0 })),
  })),
  logs: Type.Optional(Type.Array(Type.Object({
    time: dateTime(),
    level: Type.String({ description: 'debug, info, notice, warning, err, ...' }),
    source: Type.Optional(Type.String()),
    message: Type.String(),
  }), { description: 'Log lines of the run (usually only in reports.get).' })),
  resourceEvents: Type.Optional(Type.Array(Type.Object({
    resourceType: Type.String(),
    resourceTitle: Type.String(),
    property: Type.Optional(Type.String()),
    status: stringEnum(['success', 'failure', 'noop', 'skipped']),
    oldValue: Type.Optional(Type.Unknown()),
    newValue: Type.Optional(Type.Unknown()),
    message: Type.Optional(Type.String()),
  }), { description: 'Per-resource changes of the run (usually only in reports.get).' })),
}, {
  $id: 'Report',
  description: 'One configuration-management run on a node (a Puppet report, a Chef run, ...).',
  examples: [{
    id: '2b5f5c1e9a0d3c7e8f6a4b2d1c0e9f8a7b6c5d4e',
    node: 'web1.example.com',
    source: 'puppetdb',
    status: 'changed',
    startTime: '2026-11-25T09:30:00Z',
    endTime: '2026-11-25T09:30:41Z',
    noop: false,
    environment: 'production',
    configurationVersion: '1764063000',
    agentVersion: '8.10.0',
    metrics: { resources: { total: 412, changed: 2, failed: 0, skipped: 0, outOfSync: 2 }, durationSeconds: 41.2 },
  }],
});

export const Event = Type.Object({
  id: Type.String(),
  node: Type.String({ description: 'Node name the event is about.' }),
  timestamp: dateTime(),
  type: Type.String({ description: 'Kind of event: resource_change, service_restart, agent_run, package_change, ...' }),
  severity: Type.Optional(eventSeverity()),
  message: Type.String(),
  source: Type.String({ description: 'Plugin id of the source.' }),
  data: Type.Optional(anyObject({ description: 'Source-specific details.' })),
}, {
  $id: 'Event',
  description: 'Something that happened on a node, as a source recorded it.',
  examples: [{
    id: 'evt-000123',
    node: 'web1.example.com',
    timestamp: '2026-11-25T09:30:12Z',
    type: 'resource_change',
    severity: 'notice',
    message: "Service[nginx] ensure changed 'stopped' to 'running'",
    source: 'puppetdb',
    data: { resourceType: 'Service', resourceTitle: 'nginx', property: 'ensure', oldValue: 'stopped', newValue: 'running' },
  }],
});

/**
 * Alert states (a factory: used inline in Alert and in alert.list filters):
 * - firing: the problem is on and nobody has taken it;
 * - acknowledged: someone took it (a Nagios/Icinga acknowledgement, an Alertmanager or Grafana silence made by
 *   alert.acknowledge, a Datadog mute made by it);
 * - silenced: notifications are held by something else (a silence, an inhibition, a downtime, a mute);
 * - resolved: the problem is over (only listed when asked for).
 */
export function alertState() {
  return stringEnum(['firing', 'acknowledged', 'silenced', 'resolved']);
}

/** Alert severities, normalized from each source's own (the `severity` label, a Nagios state, a monitor priority). */
export function alertSeverity() {
  return stringEnum(['critical', 'error', 'warning', 'info']);
}

/** What holds an alert's notifications: the reasons behind `silenced` (and `acknowledged`). */
export const AlertSuppression = Type.Object({
  kind: stringEnum(['silence', 'inhibition', 'downtime', 'mute', 'acknowledgement']),
  id: Type.Optional(Type.String({ description: 'The silence, downtime or inhibiting alert in the source.' })),
  by: Type.Optional(Type.String({ description: 'Who made it (author, createdBy).' })),
  comment: Type.Optional(Type.String()),
  until: Type.Optional(dateTime({ description: 'When it ends, if it does.' })),
}, { $id: 'AlertSuppression', additionalProperties: false, description: 'One reason an alert is silenced or acknowledged.' });

export const Alert = Type.Object({
  id: Type.String({ minLength: 1, description: 'Alert id, unique within its source (Alertmanager fingerprint, `host` or `host!service` in Nagios and Icinga, `monitorId` or `monitorId:group` in Datadog).' }),
  source: Type.String({ description: 'Plugin id of the source (alertmanager, nagios, icinga, grafana, datadog).' }),
  node: Type.Union([Type.String(), Type.Null()], { description: 'Node name the alert is about (from the configured node label, the Nagios host, ...), null when it is not about one node.' }),
  name: Type.String({ description: 'Alert name: the `alertname` label, the Nagios service description (`host` for a host problem), the monitor name.' }),
  severity: alertSeverity(),
  state: alertState(),
  since: dateTime({ description: 'When the problem began (Alertmanager startsAt, Nagios last state change).' }),
  endsAt: Type.Optional(dateTime({ description: 'When it ended (resolved) or, for Alertmanager, when it expires unless re-sent.' })),
  summary: Type.String({ maxLength: 4000, description: 'One line: the `summary` annotation, the plugin output, the monitor message.' }),
  labels: stringMap({ description: 'The source\'s labels or tags (Nagios and Icinga: `host`, `service`, `state`).' }),
  annotations: stringMap({ description: 'summary, description, runbook_url, ... (empty when the source has none).' }),
  links: stringMap({ description: 'Related pages by name: `source` (the alert in its own UI), `generator` (the rule or graph that fired it), `runbook`, `node` (this API\'s node path).' }),
  receivers: Type.Optional(Type.Array(Type.String(), { description: 'Where the source routes its notifications (Alertmanager receivers).' })),
  acknowledgement: Type.Optional(Type.Object({
    by: Type.String(),
    at: dateTime(),
    comment: Type.Optional(Type.String()),
    until: Type.Optional(dateTime({ description: 'When the acknowledgement (silence, expiring ack) ends.' })),
  }, { additionalProperties: false })),
  silencedBy: Type.Optional(Type.Array(ref(AlertSuppression), { description: 'Why it is silenced or acknowledged: silences, inhibitions, downtimes, mutes.' })),
}, {
  $id: 'Alert',
  additionalProperties: false,
  description: 'An alert raised by a monitoring system, one shape whatever its source.',
  examples: [{
    id: '6f1e2d3c4b5a6978',
    source: 'alertmanager',
    node: 'web1.example.com',
    name: 'HighDiskUsage',
    severity: 'warning',
    state: 'firing',
    since: '2026-11-25T08:12:00Z',
    summary: 'Disk / is 91% full on web1.example.com',
    labels: { alertname: 'HighDiskUsage', instance: 'web1.example.com:9100', severity: 'warning' },
    annotations: { summary: 'Disk / is 91% full on web1.example.com' },
    links: { source: 'http://alertmanager.example.com:9093/#/alerts?filter=%7Balertname%3D%22HighDiskUsage%22%7D', node: '/api/v1/nodes/web1.example.com' },
    receivers: ['oncall'],
  }],
});

export const Package = Type.Object({
  name: Type.String(),
  version: Type.Optional(Type.String({ description: 'Installed version (or candidate version when available).' })),
  architecture: Type.Optional(Type.String({ description: 'amd64, x86_64, noarch, all, ...' })),
  status: stringEnum(['installed', 'available', 'upgradable']),
  availableVersion: Type.Optional(Type.String({ description: 'Candidate version when upgradable.' })),
  repository: Type.Optional(Type.String({ description: 'Repository or origin (jammy-updates, baseos, ...).' })),
  description: Type.Optional(Type.String()),
  source: Type.String({ description: 'Plugin id of the source.' }),
}, {
  $id: 'Package',
  description: 'A software package known to a package manager (apt, yum/dnf, zypper, ...).',
  examples: [{
    name: 'openssl', version: '3.0.2-0ubuntu1.15', architecture: 'amd64', status: 'upgradable',
    availableVersion: '3.0.2-0ubuntu1.18', repository: 'jammy-security', source: 'apt',
  }],
});

export const Deployment = Type.Object({
  id: Type.String(),
  application: Type.String(),
  version: Type.String({ description: 'Version, tag or commit deployed.' }),
  environment: Type.String(),
  status: stringEnum(['pending', 'running', 'succeeded', 'failed', 'canceled', 'rolled_back']),
  startedAt: dateTime(),
  finishedAt: Type.Optional(dateTime()),
  targets: Type.Array(Type.String(), { description: 'Node names deployed to.' }),
  previousVersion: Type.Optional(Type.String({ description: 'Version that was live before (the rollback point).' })),
  initiatedBy: Type.Optional(Type.String({ description: 'Who triggered it, as the CI/CD tool knows them: the principal of the token that started it (Jenkins user id, GitLab username, GitHub login).' })),
  url: Type.Optional(Type.String({ description: 'Link to the pipeline or job in the CI/CD tool.' })),
  source: Type.Optional(Type.String({ description: 'Plugin id of the source.' })),
  ref: Type.Optional(Type.String({ description: 'Branch, tag or commit the pipeline ran on (GitLab and GitHub `ref`; for Jenkins the version parameter sent).' })),
  toolStatus: Type.Optional(Type.String({ description: 'The tool\'s own state, verbatim: Jenkins `result` (`UNSTABLE`), GitLab pipeline `status` (`manual`), GitHub `status/conclusion` (`completed/timed_out`).' })),
  executionId: Type.Optional(Type.String({ description: 'The Capstan execution that triggered it (deploy.execute / deploy.rollback); absent for deployments started elsewhere.' })),
}, {
  $id: 'Deployment',
  description: 'One deployment of an application version to an environment.',
  examples: [{
    id: 'dep-2026-11-25-0007',
    application: 'storefront',
    version: '2.14.1',
    environment: 'production',
    status: 'succeeded',
    startedAt: '2026-11-25T10:02:00Z',
    finishedAt: '2026-11-25T10:06:31Z',
    targets: ['web1.example.com', 'web2.example.com'],
    previousVersion: '2.14.0',
    initiatedBy: 'ci-deployer',
    url: 'https://jenkins.example.com/job/deploy-storefront/42/',
    source: 'jenkins',
    ref: '2.14.1',
    toolStatus: 'SUCCESS',
    executionId: '0b6f3c52-5d1e-4c39-9a57-2f6f3d0c8e11',
  }],
});

export const ProvisionedResource = Type.Object({
  id: Type.String({ description: 'Resource id in its provider (VM UUID, Terraform address).' }),
  name: Type.String({ description: 'Resource name; the inventory name once it is a node.' }),
  provider: Type.String({ description: 'Infrastructure provider: vsphere, proxmox, libvirt, aws, ...' }),
  type: Type.Optional(Type.String({ description: 'Resource type, e.g. vsphere_virtual_machine.' })),
  status: stringEnum(['pending', 'creating', 'running', 'stopped', 'failed', 'destroying', 'destroyed']),
  node: Type.Optional(Type.String({ description: 'Inventory node name, once registered.' })),
  attributes: Type.Optional(anyObject({ description: 'Provider attributes (cpus, memory, ip addresses, ...).' })),
  createdAt: Type.Optional(dateTime()),
  updatedAt: Type.Optional(dateTime()),
  source: Type.Optional(Type.String({ description: 'Plugin id that manages the resource.' })),
  plan: Type.Optional(Type.Object({
    id: Type.String({ description: 'Saved plan id: provision.create with `approvePlan` set to it applies exactly this plan.' }),
    add: Type.Integer({ minimum: 0 }),
    change: Type.Integer({ minimum: 0 }),
    remove: Type.Integer({ minimum: 0 }),
    changes: Type.Array(Type.Object({
      address: Type.String({ description: 'Resource address, e.g. terraform_data.vm.' }),
      action: Type.String({ description: 'create, update, delete, replace, read, noop, ...' }),
    }), { description: 'The planned change of each resource.' }),
    createdAt: Type.Optional(dateTime()),
  }, { description: 'The plan awaiting approval (status `pending`), or the plan just applied.' })),
}, {
  $id: 'ProvisionedResource',
  description: 'A machine or other resource created by a provisioning tool.',
  examples: [{
    id: '4217c6a2-5b1e-4c3d-9f0a-1e2d3c4b5a69',
    name: 'web3.example.com',
    provider: 'vsphere',
    type: 'vsphere_virtual_machine',
    status: 'running',
    node: 'web3.example.com',
    attributes: { cpus: 2, memoryMb: 4096, ipAddress: '10.0.0.13' },
    createdAt: '2026-11-25T11:00:00Z',
    source: 'terraform',
  }],
});

/** The record schemas in registration order. */
export const RECORD_SCHEMAS = [Report, Event, AlertSuppression, Alert, Package, Deployment, ProvisionedResource];
