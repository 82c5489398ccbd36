/**
 * Configuration-server contracts: the server that compiles node configurations from code (Puppetserver; a Chef
 * server or a Salt master fit the same shapes). Its health, its code environments, a catalog compile on demand
 * and the flush of its environment cache.
 *
 * Formats follow Puppet's documentation (Puppet Server 7): the status API
 * (https://puppet.com/docs/puppetserver/7/status-api/v1/services.html), environments
 * (https://puppet.com/docs/puppet/7/http_api/http_environments.html), environment classes and modules
 * (https://puppet.com/docs/puppetserver/7/puppet-api/v3/environment_classes.html, .../environment_modules.html),
 * the v4 catalog (https://puppet.com/docs/puppetserver/7/puppet-api/v4/catalog.html) and the admin API's
 * environment cache (https://puppet.com/docs/puppetserver/7/admin-api/v1/environment-cache.html).
 *
 * Errors: an unknown environment is a 404 `CAPSTAN_ERR_ENVIRONMENT_NOT_FOUND`; a compile the server rejects
 * (syntax, evaluation or unknown node data) is a 502 `CAPSTAN_ERR_CATALOG_COMPILE_FAILED` whose detail is the
 * server's message; the server refusing Capstan's certificate (auth.conf) is a 502 `CAPSTAN_ERR_TARGET_AUTH_FAILED`;
 * an unreachable server a 503 `CAPSTAN_ERR_TARGET_CONNECT_FAILED`.
 */
import { Type } from '@sinclair/typebox';
import { anyObject, dateTime, defineContract, stringEnum } from './common.js';

const envName = (description = 'Environment name.') =>
  Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_]+$', description });

export const ConfigServerStatusParams = Type.Object({}, {
  $id: 'ConfigServerStatusParams',
  additionalProperties: false,
  description: 'configserver.status takes no parameters.',
  examples: [{}],
});

export const ConfigServerStatusResult = Type.Object({
  state: stringEnum(['running', 'starting', 'stopping', 'error', 'unknown'], { description: 'The worst state of all services (running < unknown < starting < stopping < error).' }),
  version: Type.Union([Type.String(), Type.Null()], { description: 'Server version (service_version of the `server` service), null when not reported.' }),
  services: Type.Array(Type.Object({
    name: Type.String({ description: 'Service name as the server reports it (`server`, `ca`, `jruby-metrics`, ...).' }),
    state: stringEnum(['running', 'starting', 'stopping', 'error', 'unknown']),
    version: Type.String({ description: 'service_version.' }),
    alerts: Type.Array(Type.Object({ severity: Type.String(), message: Type.String() }), { description: 'active_alerts of the service.' }),
  }), { description: 'Every service, sorted by name.' }),
  jruby: Type.Union([Type.Object({
    instances: Type.Integer({ minimum: 0, description: 'JRuby instances in the pool (num-jrubies).' }),
    free: Type.Integer({ minimum: 0, description: 'Instances free right now (num-free-jrubies).' }),
    borrowed: Type.Integer({ minimum: 0, description: 'Instances lent to requests right now.' }),
    requested: Type.Integer({ minimum: 0, description: 'Requests waiting for an instance right now.' }),
    averageWaitMs: Type.Number({ minimum: 0, description: 'Mean time a request waited for an instance, in milliseconds.' }),
    averageBorrowMs: Type.Number({ minimum: 0, description: 'Mean time an instance was held, in milliseconds.' }),
    borrowTimeouts: Type.Integer({ minimum: 0, description: 'Requests that gave up waiting (borrow-timeout-count) since start.' }),
    queueLimitHits: Type.Integer({ minimum: 0, description: 'Requests refused because the wait queue was full (queue-limit-hit-count) since start.' }),
  }), Type.Null()], { description: 'The compiler pool (Puppetserver JRuby metrics at level debug), null when the server reports none.' }),
  checkedAt: dateTime({ description: 'When Capstan asked.' }),
}, {
  $id: 'ConfigServerStatusResult',
  description: 'Health of the configuration server: each service with its state, and its compiler pool.',
  examples: [{
    state: 'running', version: '7.9.5',
    services: [{ name: 'ca', state: 'running', version: '7.9.5', alerts: [] }, { name: 'server', state: 'running', version: '7.9.5', alerts: [] }],
    jruby: { instances: 1, free: 1, borrowed: 0, requested: 0, averageWaitMs: 0, averageBorrowMs: 187, borrowTimeouts: 0, queueLimitHits: 0 },
    checkedAt: '2026-11-29T19:30:00Z',
  }],
});

export const ConfigServerEnvironmentsParams = Type.Object({
  environment: Type.Optional(envName('Only this environment (404 when unknown).')),
}, {
  $id: 'ConfigServerEnvironmentsParams',
  additionalProperties: false,
  description: 'Which environments to describe: all, or one.',
  examples: [{}, { environment: 'production' }],
});

const ClassParam = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.String(), Type.Null()], { description: 'Declared data type (`String`, `Enum[...]`), null when untyped.' }),
  defaultSource: Type.Union([Type.String(), Type.Null()], { description: 'The default value as written in the code, null when the parameter is required.' }),
});

export const ConfigServerEnvironmentsResult = Type.Object({
  environments: Type.Array(Type.Object({
    name: Type.String(),
    modulepath: Type.Array(Type.String(), { description: 'Directories searched for modules, in order.' }),
    manifest: Type.String({ description: 'Main manifest file or directory.' }),
    environmentTimeoutSeconds: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], { description: 'How long the server caches the environment (seconds); null = unlimited.' }),
    configVersion: Type.String({ description: 'config_version setting (a script), often empty.' }),
    classes: Type.Array(Type.Object({
      name: Type.String({ description: 'Class name (`capstan_demo::motd`).' }),
      file: Type.String({ description: 'Manifest file declaring it.' }),
      params: Type.Array(ClassParam),
    }), { description: 'Classes of the environment, sorted by name.' }),
    classErrors: Type.Array(Type.Object({ file: Type.String(), error: Type.String() }), { description: 'Manifests the server could not parse.' }),
    modules: Type.Array(Type.Object({
      name: Type.String(),
      version: Type.Union([Type.String(), Type.Null()], { description: 'Version from metadata.json, null without one.' }),
    }), { description: 'Modules of the environment, sorted by name.' }),
  }), { description: 'Environments sorted by name.' }),
}, {
  $id: 'ConfigServerEnvironmentsResult',
  description: 'Code environments with their settings, classes (with parameters) and modules (with versions).',
  examples: [{
    environments: [{
      name: 'production', modulepath: ['/etc/puppetlabs/code/environments/production/modules'], manifest: '/etc/puppetlabs/code/environments/production/manifests',
      environmentTimeoutSeconds: 0, configVersion: '',
      classes: [{ name: 'ntp', file: '/etc/puppetlabs/code/environments/production/modules/ntp/manifests/init.pp', params: [{ name: 'servers', type: 'Array[String]', defaultSource: "['pool.ntp.org']" }] }],
      classErrors: [], modules: [{ name: 'ntp', version: '9.3.0' }],
    }],
  }],
});

export const ConfigServerCompileParams = Type.Object({
  node: Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9._-]+$', description: 'Certname of the node to compile for.' }),
  environment: Type.Optional(envName('Environment to compile in; default: the node\'s classified environment, else `production`.')),
  facts: Type.Optional(anyObject({ description: 'Facts to compile with; default: the node\'s last facts (from PuppetDB with storeconfigs).' })),
  store: Type.Boolean({
    default: false,
    description: 'Store the compiled catalog as the node\'s latest in PuppetDB (only when the server has storeconfigs on). '
      + 'Default false: a dry compile that changes nothing.',
  }),
}, {
  $id: 'ConfigServerCompileParams',
  additionalProperties: false,
  description: 'What to compile: a node, in an environment, with its known or the given facts.',
  examples: [{ node: 'web1.example.com', store: false }, { node: 'web1.example.com', environment: 'staging', facts: { os: { family: 'Debian' } }, store: false }],
});

export const ConfigServerCompileResult = Type.Object({
  node: Type.String(),
  environment: Type.String(),
  version: Type.String({ description: 'Catalog version (config_version, or the compile time in seconds by default), as a string.' }),
  catalogUuid: Type.Union([Type.String(), Type.Null()]),
  codeId: Type.Union([Type.String(), Type.Null()]),
  classes: Type.Array(Type.String(), { description: 'Classes in the catalog.' }),
  resources: Type.Array(Type.Object({
    type: Type.String({ description: 'Resource type (`File`, `Package`, `Class`).' }),
    title: Type.String(),
    tags: Type.Array(Type.String()),
    exported: Type.Boolean(),
    file: Type.Optional(Type.String({ description: 'Manifest that declared it.' })),
    line: Type.Optional(Type.Integer()),
    parameters: anyObject({ description: 'Resource parameters as compiled.' }),
  })),
  edges: Type.Array(Type.Object({ source: Type.String(), target: Type.String() }), { description: 'Containment edges as `Type[title]` references.' }),
  logs: Type.Array(Type.Object({ level: Type.String(), message: Type.String(), source: Type.Optional(Type.String()) }), { description: 'Compiler log lines (warnings, notices).' }),
  stored: Type.Boolean({ description: 'Whether storing in PuppetDB was requested (the server does so only with storeconfigs on).' }),
}, {
  $id: 'ConfigServerCompileResult',
  description: 'The compiled catalog of a node: its classes, resources and containment edges.',
  examples: [{
    node: 'web1.example.com', environment: 'production', version: '1795563114', catalogUuid: '1fa628bc-8254-4f02-a684-e561fac958c8', codeId: null,
    classes: ['settings', 'default'],
    resources: [{ type: 'File', title: '/etc/motd', tags: ['file', 'class'], exported: false, file: '/etc/puppetlabs/code/environments/production/manifests/site.pp', line: 3, parameters: { ensure: 'file' } }],
    edges: [{ source: 'Class[main]', target: 'File[/etc/motd]' }], logs: [], stored: false,
  }],
});

export const ConfigServerFlushParams = Type.Object({
  environment: Type.Optional(envName('Only this environment; default: every environment.')),
}, {
  $id: 'ConfigServerFlushParams',
  additionalProperties: false,
  description: 'Which environment cache to flush.',
  examples: [{}, { environment: 'production' }],
});

export const ConfigServerFlushResult = Type.Object({
  flushed: Type.Union([Type.String(), Type.Null()], { description: 'The environment flushed, or null for all.' }),
  flushedAt: dateTime(),
}, {
  $id: 'ConfigServerFlushResult',
  description: 'The cache was flushed: the next compile re-reads the code from disk.',
  examples: [{ flushed: null, flushedAt: '2026-11-29T19:30:00Z' }],
});

export const configServerStatus = defineContract({
  name: 'configserver.status',
  description: 'Get the health of the configuration server: each service and its state, and the compiler (JRuby) pool.',
  params: ConfigServerStatusParams,
  result: ConfigServerStatusResult,
  riskLevel: 'read',
  mode: 'query',
});

export const configServerEnvironments = defineContract({
  name: 'configserver.environments',
  description: 'List the code environments of the configuration server with their settings, classes and modules.',
  params: ConfigServerEnvironmentsParams,
  result: ConfigServerEnvironmentsResult,
  riskLevel: 'read',
  mode: 'query',
});

export const configServerCompile = defineContract({
  name: 'configserver.compile',
  description: 'Compile the catalog of a node now; with store=true and storeconfigs on, it also replaces the node\'s catalog in PuppetDB.',
  params: ConfigServerCompileParams,
  result: ConfigServerCompileResult,
  riskLevel: 'write',
  mode: 'query',
});

export const configServerFlush = defineContract({
  name: 'configserver.flush',
  description: 'Flush the environment cache of the configuration server (all environments or one) so new code is read.',
  params: ConfigServerFlushParams,
  result: ConfigServerFlushResult,
  riskLevel: 'admin',
  mode: 'query',
});

export const CONFIGSERVER_CONTRACTS = [configServerStatus, configServerEnvironments, configServerCompile, configServerFlush];
export const CONFIGSERVER_SCHEMAS = [
  ConfigServerStatusParams, ConfigServerStatusResult, ConfigServerEnvironmentsParams, ConfigServerEnvironmentsResult,
  ConfigServerCompileParams, ConfigServerCompileResult, ConfigServerFlushParams, ConfigServerFlushResult,
];
