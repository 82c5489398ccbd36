/**
 * Shared named schemas of the records the non-inventory families return: configuration-management reports
 * (Puppet/PuppetDB), events, alerts (Alertmanager), packages (apt/yum/dnf), deployments (CI/CD tools) and
 * provisioned resources (Terraform, hypervisors). Each carries `source`, the plugin id it came from.
 */
import { Type } from '@sinclair/typebox';
import { anyObject, dateTime, stringEnum, stringMap } from './common.js';

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

/** Alert states (a factory: used inline in Alert and in alert.list filters). */
export function alertStatus() {
  return stringEnum(['firing', 'acknowledged', 'resolved', 'suppressed']);
}

/** Alert severities, normalized from the `severity` label. */
export function alertSeverity() {
  return stringEnum(['critical', 'error', 'warning', 'info']);
}

export const Alert = Type.Object({
  id: Type.String({ description: 'Alert id in its source (Alertmanager fingerprint).' }),
  name: Type.String({ description: 'Alert name (the `alertname` label).' }),
  severity: alertSeverity(),
  status: alertStatus(),
  labels: stringMap(),
  annotations: stringMap({ description: 'summary, description, runbook_url, ...' }),
  startsAt: dateTime(),
  endsAt: Type.Optional(dateTime()),
  source: Type.String({ description: 'Plugin id of the source.' }),
  node: Type.Optional(Type.String({ description: 'Node name, when the alert is about one node.' })),
  generatorUrl: Type.Optional(Type.String({ description: 'Link to the rule or graph that fired it.' })),
  acknowledgement: Type.Optional(Type.Object({
    by: Type.String(),
    at: dateTime(),
    comment: Type.Optional(Type.String()),
    until: Type.Optional(dateTime({ description: 'End of the silence that holds the acknowledgement.' })),
  })),
}, {
  $id: 'Alert',
  description: 'An alert raised by a monitoring system.',
  examples: [{
    id: '6f1e2d3c4b5a6978',
    name: 'HighDiskUsage',
    severity: 'warning',
    status: 'firing',
    labels: { alertname: 'HighDiskUsage', instance: 'web1.example.com:9100', severity: 'warning' },
    annotations: { summary: 'Disk / is 91% full on web1.example.com' },
    startsAt: '2026-11-25T08:12:00Z',
    source: 'alertmanager',
    node: 'web1.example.com',
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
  initiatedBy: Type.Optional(Type.String()),
  url: Type.Optional(Type.String({ description: 'Link to the pipeline or job in the CI/CD tool.' })),
  source: Type.Optional(Type.String({ description: 'Plugin id of the source.' })),
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
    source: 'jenkins',
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
export const RECORD_SCHEMAS = [Report, Event, Alert, Package, Deployment, ProvisionedResource];
