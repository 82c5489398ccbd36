/**
 * buildApp(config): the one factory used by the server and every test. Every Fastify option lives here;
 * nothing runs at import.
 */
import { join, resolve } from 'node:path';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { FastifySSEPlugin } from 'fastify-sse-v2';
import type { Config } from './config/schema.js';
import { CONTRACTS, SHARED_SCHEMAS } from './capabilities/index.js';
import { IntegrationManager } from './core/integration-manager.js';
import { discoverPlugins, registerPlugins, type PluginModule } from './core/loader.js';
import { installJsonParser } from './core/json-parser.js';
import { installCors, installRouteTable } from './core/http-semantics.js';
import { frameworkErrorHandler, installProblemHandlers } from './core/problem.js';
import { clientErrorHandler, unmetExpectationHandler } from './core/client-error.js';
import { installClosingGuard } from './core/closing.js';
import { installWellFormedOutput } from './core/well-formed-output.js';
import { installRouteValidators } from './core/route-validators.js';
import { CapabilityRegistry } from './core/registry.js';
import { ExecutionObserver } from './execution/observer.js';
import { ExecutionQueue } from './execution/queue.js';
import { ExecutionService } from './execution/service.js';
import { StreamHub } from './execution/streaming.js';
import { InventoryService } from './inventory/aggregate.js';
import { RoleBook } from './core/roles.js';
import { registerStoredJournal } from './journal/stored-source.js';
import { watchFactChanges } from './journal/fact-changes.js';
import { AlertFollower } from './alerts/follower.js';
import { inventoryNamer } from './alerts/node-names.js';
import { registerAlertSubscriptions } from './alerts/subscriptions.js';
import { WebhookDeliverer } from './alerts/webhooks.js';
import { PACKAGE_MANAGERS } from './capabilities/package-managers/index.js';
import { PackageProvider } from './packages/provider.js';
import { helpers } from './helpers/index.js';
import { genRequestId, loggerOptions } from './observability/logger.js';
import { SecretScrubber } from './observability/secret-scrubber.js';
import { createMetrics, observeCore, type Metrics } from './observability/metrics.js';
import { API_SCHEMAS } from './routes/schemas.js';
import { RECORD_API_SCHEMAS } from './routes/record-schemas.js';
import { TOKEN_SCHEMAS } from './routes/token-schemas.js';
import { AUDIT_SCHEMAS } from './routes/audit-schemas.js';
import { installAuditTrail } from './audit/hooks.js';
import { STREAM_TICKET_SCHEMAS } from './routes/stream-tickets.js';
import { StreamTickets, type StreamTicketOptions } from './core/stream-tickets.js';
import { registerRoutes } from './routes/index.js';
import { SqliteStore } from './store/sqlite/store.js';
import type { Store } from './store/types.js';
import { StoreWriteGuard } from './store/write-guard.js';
import { RetentionPruner } from './store/retention.js';
import { installAuth } from './routes/auth.js';
import { installPrincipalRateLimit, installRateLimit } from './routes/rate-limit.js';
import { installSecurityHeaders, DOCS_CSP } from './routes/security-headers.js';
import { documentServerClosing } from './routes/closing-doc.js';
import { openapiInfo } from './routes/openapi-info.js';
import { finishDocument } from './openapi/finish.js';

export const PROJECT_ROOT = join(import.meta.dirname, '..');

export interface BuildOptions {
  /** Plugin modules to load instead of discovering plugins/native (tests). */
  plugins?: PluginModule[];
  /** Plugin modules loaded in addition to the discovered ones (tests); one with a discovered plugin's id replaces it (a fake `puppetdb`). */
  extraPlugins?: PluginModule[];
  /** Pino destination stream (tests capture logs). */
  logStream?: NodeJS.WritableStream;
  /** Stream ticket store options (tests shorten the TTL or move the clock); defaults: 30 s, 10000 tickets. */
  streamTickets?: StreamTicketOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>;
    registry: CapabilityRegistry;
    integrations: IntegrationManager;
    metrics: Metrics;
    store: Store;
    /** Holds and retries run writes while the store cannot be written; its `failure` feeds /health/ready. */
    storeGuard: StoreWriteGuard;
    /** Background pruning of old journal entries and old runs' output (journal / execution retentionDays). */
    retention: RetentionPruner;
    /** Follows alert changes of every source for the node journal and webhook subscriptions. */
    alertFollower: AlertFollower;
    hub: StreamHub;
    queue: ExecutionQueue;
    executions: ExecutionService;
    inventory: InventoryService;
    /** The built-in and configured roles (API tokens name them). */
    roles: RoleBook;
    /** Single-use tickets that open an SSE stream without an Authorization header (in memory only). */
    streamTickets: StreamTickets;
  }
}

export async function buildApp(config: Readonly<Config>, opts: BuildOptions = {}): Promise<FastifyInstance> {
  // Secret params of running executions are scrubbed from every log line.
  const secrets = new SecretScrubber();
  const logger = loggerOptions(config.logLevel, (line) => secrets.scrub(line));
  const app = Fastify({
    logger: opts.logStream ? { ...logger, stream: opts.logStream } : logger,
    genReqId: genRequestId,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    bodyLimit: config.bodyLimit,
    // Node names and ids may be 255 characters (the contracts' limit); Fastify's default is 100.
    routerOptions: { maxParamLength: 512 },
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Error answers Fastify would write itself are problem+json too: before routing (frameworkErrors), from
    // Node's HTTP parser (clientErrorHandler), and while closing (core/closing.ts instead of return503OnClosing).
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler,
    return503OnClosing: false,
    forceCloseConnections: true,
    // request.ip / protocol / host from X-Forwarded-* only when a proxy is trusted (config `trustProxy`).
    trustProxy: trustProxyOption(config.trustProxy),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // The route table first: it must see every route (405 with Allow, OPTIONS with Allow).
  installProblemHandlers(app, installRouteTable(app));
  installJsonParser(app);
  installWellFormedOutput(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  installClosingGuard(app);
  app.server.on('checkExpectation', unmetExpectationHandler(app.log));

  const named = [...SHARED_SCHEMAS, ...API_SCHEMAS, ...RECORD_API_SCHEMAS, ...TOKEN_SCHEMAS, ...AUDIT_SCHEMAS, ...STREAM_TICKET_SCHEMAS];
  for (const s of named) app.addSchema(s);
  installRouteValidators(app, named);

  const registry = new CapabilityRegistry(CONTRACTS, SHARED_SCHEMAS);
  const integrations = new IntegrationManager(registry, app.log as never, {
    initTimeoutMs: config.pluginInitTimeoutMs, healthIntervalMs: config.healthIntervalMs, healthTimeoutMs: config.healthTimeoutMs,
  });
  const metrics = createMetrics();
  observeCore(metrics, registry, integrations);
  const store = new SqliteStore(join(config.dataDir, 'capstan.db'));
  const storeGuard = new StoreWriteGuard(() => store.probeWrite(), app.log as never);
  const retention = new RetentionPruner(store, storeGuard, app.log as never, {
    journalDays: config.journal.retentionDays, executionDays: config.execution.retentionDays, intervalMs: config.journal.pruneIntervalMs,
  });
  const hub = new StreamHub(store, config.execution.heartbeatSeconds * 1000);
  const queue = new ExecutionQueue(config.execution);
  const inventory = new InventoryService(registry, config.capabilityTimeoutMs);
  registry.scopeCheck = (principal, contract, nodes, ctx) => inventory.authorizeScope(principal, contract, nodes, ctx);
  // The journal Capstan keeps itself: a source like any plugin's, and fact changes seen in facts answers.
  registerStoredJournal(registry, store, inventory);
  watchFactChanges(registry, store, app.log as never);
  // Alert changes of every source: node journal entries and webhook subscriptions (src/alerts/).
  registerAlertSubscriptions(registry, store, storeGuard);
  // Packages through the execution providers already there (ssh, bolt, ansible): source `packages` (src/packages/).
  new PackageProvider(registry, inventory, PACKAGE_MANAGERS, { queryTimeoutMs: config.capabilityTimeoutMs }).register();
  const webhooks = new WebhookDeliverer(store.alertSubscriptions, app.log as never, { timeoutMs: config.alerts.webhookTimeoutMs, maxAttempts: config.alerts.webhookMaxAttempts });
  const alertFollower = new AlertFollower(registry, store, webhooks, app.log as never, {
    intervalMs: config.alerts.followIntervalMs, journal: config.alerts.journal, timeoutMs: config.capabilityTimeoutMs,
  }, inventoryNamer(inventory));
  const observer = new ExecutionObserver(metrics, app.log as never);
  const roles = new RoleBook(config.roles);
  const executions = new ExecutionService({ store, guard: storeGuard, queue, hub, registry, inventory, roles, logger: app.log as never, config: config.execution, observer, secrets });
  metrics.gauge('capstan_executions_queued', 'Executions waiting in the queue.', [], (g) => g.set(queue.size.queued));
  metrics.gauge('capstan_executions_running', 'Executions running now.', [], (g) => g.set(queue.size.running));
  metrics.gauge('capstan_sse_subscribers', 'Open SSE streams.', [], (g) => g.set(hub.activeSubscribers));

  app.decorate('config', config);
  app.decorate('registry', registry);
  app.decorate('integrations', integrations);
  app.decorate('metrics', metrics);
  app.decorate('store', store);
  app.decorate('storeGuard', storeGuard);
  app.decorate('retention', retention);
  app.decorate('alertFollower', alertFollower);
  app.decorate('hub', hub);
  app.decorate('queue', queue);
  app.decorate('executions', executions);
  app.decorate('inventory', inventory);
  app.decorate('roles', roles);
  app.decorate('streamTickets', new StreamTickets(opts.streamTickets));

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: openapiInfo(),
    // Shared schemas keep their $id as component name, so generated clients get real type names.
    refResolver: { buildLocalReference: (json, _base, _frag, i) => String(json.$id ?? `def-${i}`) },
    transformObject: (d) => ('openapiObject' in d ? finishDocument(d.openapiObject) : d.swaggerObject),
  });
  // No validator badge: it would send the document's URL to validator.swagger.io (and DOCS_CSP blocks it).
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, validatorUrl: null }, staticCSP: DOCS_CSP });
  await app.register(FastifySSEPlugin);
  // CORS before auth: a browser's preflight carries no token.
  await installCors(app, config.cors.origins);
  // Headers first (refusals carry them too), then the per-IP request limit: before auth, which also applies the
  // failed-authentication limit, so brute force is cheap to refuse; the per-token limit comes after auth, so
  // only accepted tokens get a counter (routes/rate-limit.ts).
  await installSecurityHeaders(app);
  await installRateLimit(app, config);
  installAuth(app, config);
  installPrincipalRateLimit(app, config);
  installAuditTrail(app);
  app.addHook('onRoute', documentServerClosing);
  await registerRoutes(app);

  const extra = opts.extraPlugins ?? [];
  const modules = opts.plugins ?? [
    ...(await discoverPlugins(resolve(PROJECT_ROOT, config.pluginsDir))).filter((m) => !extra.some((x) => x.manifest.id === m.manifest.id)),
    ...extra,
  ];
  try {
    await registerPlugins(app, modules, config, integrations, helpers);
  } catch (err) {
    // The app never becomes usable, so nothing else would close the store it opened.
    store.close();
    throw err;
  }

  app.addHook('onReady', async () => {
    await integrations.initializeAll();
    integrations.startHealthChecks();
    await executions.recover();
    retention.start();
    webhooks.start();
    alertFollower.start();
  });
  app.addHook('preClose', async () => {
    await executions.shutdown();
  });
  app.addHook('onClose', async () => {
    // Before the store closes: a pass in progress leaves at its next batch.
    await retention.stop();
    await alertFollower.stop();
    await webhooks.stop();
    await integrations.shutdownAll();
    storeGuard.close();
    store.close();
  });
  return app;
}

/**
 * Fastify's `trustProxy` from the config: a list may hold comma-separated entries (CAPSTAN_TRUST_PROXY); a hop
 * count becomes the function Fastify itself makes of one (its types omit the number form).
 */
function trustProxyOption(value: Config['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (Array.isArray(value)) return value.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  if (typeof value === 'number') return (_address, hop) => hop < value;
  return value;
}
