/**
 * The puppetserver plugin: Puppetserver's status, code environments (classes, modules), catalog compiles,
 * its CA (list, sign, revoke, clean) and its environment cache, over its HTTPS API with the Puppet CA and a
 * client certificate. Reads retry on unavailability; every call goes through one circuit breaker.
 */
import type { Logger } from 'pino';
import {
  certificateClean, certificateList, certificateRevoke, certificateSign,
  configServerCompile, configServerEnvironments, configServerFlush, configServerStatus,
} from '../../../src/capabilities/index.js';
import { Errors } from '../../../src/core/errors.js';
import type { Breaker, PluginHelpers } from '../../../src/core/helpers-api.js';
import { BasePlugin, implement, type HealthStatus, type PluginCapability } from '../../../src/core/types.js';
import { PuppetserverClient, jsonOf, loadTls, serverMessage, statusError, type Answer, type RequestOptions } from './client.js';
import type { PuppetserverConfig } from './config.js';
import { parseCatalog, parseCertificate, parseCertificates, parseClasses, parseEnvironments, parseModules, parseStatus } from './parse.js';

export const PLUGIN_ID = 'puppetserver';

export class PuppetserverPlugin extends BasePlugin {
  readonly metadata = {
    name: PLUGIN_ID, version: '0.1.0', description: 'Puppetserver: status, environments, catalog compiles, CA certificates, environment cache.',
    integrationTypes: ['configuration_management' as const],
  };
  private client: PuppetserverClient | undefined;
  private readonly breaker: Breaker;

  constructor(private readonly cfg: PuppetserverConfig, private readonly logger: Logger, private readonly helpers: PluginHelpers) {
    super();
    this.breaker = helpers.createCircuitBreaker(PLUGIN_ID, { failureThreshold: cfg.breakerThreshold, resetMs: cfg.breakerResetMs });
  }

  /** Reads the TLS files once; a missing or unreadable file fails the plugin at boot, naming the key. */
  async initialize(): Promise<void> {
    this.client = new PuppetserverClient(this.cfg, loadTls(this.cfg));
    this.logger.info({ url: this.client.url, clientCert: this.cfg.cert ?? null }, 'puppetserver plugin ready');
  }

  async shutdown(): Promise<void> {
    this.client?.close();
  }

  /** What the server sees of us, for auth.conf errors. */
  private certDescription(): string {
    return this.cfg.cert ? `the client certificate ${this.cfg.cert}` : 'a request without client certificate (set plugins.puppetserver.cert and key)';
  }

  private http(): PuppetserverClient {
    if (!this.client) throw new Errors.PluginUnavailable('the puppetserver plugin is not initialized.');
    return this.client;
  }

  /**
   * One call through the breaker; `retry` re-sends on retryable failures (connect, timeout, 5xx): only for
   * requests that change nothing or that change it idempotently.
   */
  private async call(method: string, path: string, opts: RequestOptions & { retry: boolean }): Promise<Answer> {
    const once = async () => {
      const a = await this.http().request(method, path, opts);
      // 5xx are the server's own trouble: thrown here so the retry and the breaker see them. A 500 is left to
      // the caller (a compile maps it to the manifest's error).
      if (a.status > 500) throw statusError(a, this.certDescription());
      return a;
    };
    return this.breaker.call(() => (opts.retry ? this.helpers.withRetry(once, { attempts: this.cfg.retries, signal: opts.signal }) : once()));
  }

  private ok(a: Answer): Answer {
    if (a.status < 200 || a.status > 299) throw statusError(a, this.certDescription());
    return a;
  }

  async healthCheck(): Promise<HealthStatus> {
    const endpoint = `GET ${this.cfg.url.replace(/\/$/, '')}/status/v1/services`;
    try {
      const a = this.ok(await this.http().request('GET', '/status/v1/services', { timeoutMs: Math.min(this.cfg.timeoutMs, 5000) }));
      const s = parseStatus(jsonOf(a), new Date());
      const bad = s.services.filter((x) => x.state !== 'running');
      const details = { endpoint, breaker: this.breaker.state, version: s.version, services: Object.fromEntries(s.services.map((x) => [x.name, x.state])) };
      if (s.state === 'running') return { status: this.breaker.state === 'closed' ? 'healthy' : 'degraded', message: `Puppetserver ${s.version ?? '?'}: ${s.services.length} services running`, details };
      return { status: s.state === 'error' ? 'unhealthy' : 'degraded', message: `${endpoint}: services not running: ${bad.map((x) => `${x.name}=${x.state}`).join(', ')}`, details };
    } catch (err) {
      return { status: 'unhealthy', message: `${endpoint} failed: ${(err as Error).message}`, details: { endpoint, breaker: this.breaker.state } };
    }
  }

  capabilities(): PluginCapability<any, any>[] {
    return [
      implement(configServerStatus, async (_p, ctx) => {
        const a = this.ok(await this.call('GET', '/status/v1/services', { query: { level: 'debug' }, retry: true, signal: ctx.signal }));
        return parseStatus(jsonOf(a), new Date());
      }),
      implement(configServerEnvironments, async (p, ctx) => this.environments(p.environment, ctx.signal)),
      implement(configServerCompile, async (p, ctx) => this.compile(p, ctx.signal)),
      implement(configServerFlush, async (p, ctx) => {
        const a = await this.call('DELETE', '/puppet-admin-api/v1/environment-cache', { query: { environment: p.environment }, retry: true, signal: ctx.signal });
        this.ok(a);
        return { flushed: p.environment ?? null, flushedAt: new Date().toISOString() };
      }),
      implement(certificateList, async (p, ctx) => {
        const a = this.ok(await this.call('GET', '/puppet-ca/v1/certificate_statuses/any', { query: { state: p.state }, retry: true, signal: ctx.signal }));
        return { certificates: parseCertificates(jsonOf(a)) };
      }),
      implement(certificateSign, async (p, ctx) => this.changeCertificate(p.name, { desired_state: 'signed', ...(p.ttlSeconds ? { cert_ttl: p.ttlSeconds } : {}) }, ctx.signal)),
      implement(certificateRevoke, async (p, ctx) => this.changeCertificate(p.name, { desired_state: 'revoked' }, ctx.signal)),
      implement(certificateClean, async (p, ctx) => {
        await this.certificate(p.name, ctx.signal); // 404 before touching anything
        // PUT /puppet-ca/v1/clean: revoke (when signed) and delete, as `puppetserver ca clean` does.
        const a = await this.call('PUT', '/puppet-ca/v1/clean', { json: { certnames: [p.name] }, retry: false, signal: ctx.signal });
        if (a.status === 404) throw new Errors.CertificateNotFound(`the CA has no certificate '${p.name}' (${serverMessage(a.body)}).`);
        this.ok(a);
        return { name: p.name, certificate: null, changedAt: new Date().toISOString() };
      }),
    ];
  }

  private async certificate(name: string, signal: AbortSignal) {
    const a = await this.call('GET', `/puppet-ca/v1/certificate_status/${encodeURIComponent(name)}`, { retry: true, signal });
    if (a.status === 404) throw new Errors.CertificateNotFound(`the CA has no certificate or request '${name}'.`);
    return parseCertificate(jsonOf(this.ok(a)));
  }

  /** PUT certificate_status: 404 unknown, 409 not allowed in the current state, 400 a bad change. */
  private async changeCertificate(name: string, body: Record<string, unknown>, signal: AbortSignal) {
    const a = await this.call('PUT', `/puppet-ca/v1/certificate_status/${encodeURIComponent(name)}`, { json: body, retry: false, signal });
    if (a.status === 404) throw new Errors.CertificateNotFound(`the CA has no certificate or request '${name}'.`);
    if (a.status === 409 || a.status === 400) {
      throw new Errors.CertificateStateConflict(`${a.endpoint}: HTTP ${a.status} ${serverMessage(a.body)}`, { extra: { certificate: name } });
    }
    this.ok(a);
    return { name, certificate: await this.certificate(name, signal), changedAt: new Date().toISOString() };
  }

  private async environments(only: string | undefined, signal: AbortSignal) {
    const a = this.ok(await this.call('GET', '/puppet/v3/environments', { retry: true, signal }));
    let envs = parseEnvironments(jsonOf(a));
    if (only) {
      envs = envs.filter((e) => e.name === only);
      if (!envs.length) throw new Errors.EnvironmentNotFound(`Puppetserver has no environment '${only}'.`);
    }
    // One classes and one modules request per environment, all at once (the server serves them from its cache).
    await Promise.all(envs.map(async (e) => {
      const [classes, modules] = await Promise.all([
        this.call('GET', '/puppet/v3/environment_classes', { query: { environment: e.name }, retry: true, signal }),
        this.call('GET', '/puppet/v3/environment_modules', { query: { environment: e.name }, retry: true, signal }),
      ]);
      Object.assign(e, parseClasses(jsonOf(this.ok(classes))));
      e.modules = parseModules(jsonOf(this.ok(modules))).get(e.name) ?? [];
    }));
    return { environments: envs };
  }

  /**
   * POST /puppet/v4/catalog. Facts are persisted never; the catalog only when asked (`store`), and the server
   * stores it in PuppetDB only with storeconfigs on. Without facts the server uses the node's last facts.
   */
  private async compile(p: { node: string; environment?: string; facts?: Record<string, unknown>; store: boolean }, signal: AbortSignal) {
    const body = {
      certname: p.node,
      persistence: { facts: false, catalog: p.store },
      environment: p.environment ?? 'production',
      // Given facts replace the node's; its trusted facts are then made from the certname, as the server
      // would from the node's certificate (else $trusted['certname'] is empty in the compile).
      ...(p.facts ? {
        facts: { values: p.facts },
        trusted_facts: { values: { authenticated: 'remote', certname: p.node, hostname: p.node.split('.')[0], domain: p.node.split('.').slice(1).join('.'), extensions: {} } },
      } : {}),
      options: { prefer_requested_environment: p.environment !== undefined, capture_logs: true, log_level: 'warning' },
    };
    const a = await this.call('POST', '/puppet/v4/catalog', { json: body, retry: !p.store, timeoutMs: this.cfg.compileTimeoutMs, signal });
    // An unknown environment is a 500 whose message names Puppet's EnvironmentNotFound.
    if ((a.status === 404 || a.status === 500) && /EnvironmentNotFound|Could not find (a directory )?environment/i.test(a.body)) throw new Errors.EnvironmentNotFound(`${a.endpoint}: ${serverMessage(a.body)}`);
    // A compile error is HTTP 500 (or 400 for bad node data) with the compiler's message.
    if (a.status === 500 || a.status === 400 || a.status === 404) {
      throw new Errors.CatalogCompileFailed(`compiling ${p.node}: ${serverMessage(a.body)}`, { extra: { node: p.node } });
    }
    return parseCatalog(jsonOf(this.ok(a)), p.store);
  }
}
