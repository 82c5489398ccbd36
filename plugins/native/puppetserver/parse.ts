/**
 * Parsers from Puppetserver's JSON to the contract shapes (pure functions, tested on recordings of a real
 * Puppetserver 7.9). Each names the Puppet document its input follows. Unexpected shapes throw
 * Errors.Upstream naming what was missing: a server that answers something else is an upstream fault.
 */
import type { Static } from '@sinclair/typebox';
import type {
  Certificate, ConfigServerCompileResult, ConfigServerEnvironmentsResult, ConfigServerStatusResult,
} from '../../../src/capabilities/index.js';
import { Errors } from '../../../src/core/errors.js';

type Status = Static<typeof ConfigServerStatusResult>;
type Environment = Static<typeof ConfigServerEnvironmentsResult>['environments'][number];
type Compiled = Static<typeof ConfigServerCompileResult>;
type Cert = Static<typeof Certificate>;
type State = Status['state'];

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : v === undefined || v === null ? fallback : String(v));
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const int = (v: unknown): number => Math.max(0, Math.round(num(v)));
const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

function expectObj(v: unknown, what: string): Record<string, unknown> {
  if (!isObj(v)) throw new Errors.Upstream(`Puppetserver answered ${what} in an unexpected shape (not an object).`);
  return v;
}

const STATES: State[] = ['running', 'unknown', 'starting', 'stopping', 'error'];
const stateOf = (v: unknown): State => (STATES.includes(v as State) ? (v as State) : 'unknown');

/**
 * GET /status/v1/services?level=debug (Puppet Server status API v1: `{ <service>: { service_version, state,
 * status, active_alerts, ... } }`; the JRuby pool is `jruby-metrics.status.experimental.metrics`).
 */
export function parseStatus(body: unknown, checkedAt: Date): Status {
  const all = expectObj(body, 'status/v1/services');
  const services = Object.entries(all).filter(([, v]) => isObj(v)).map(([name, v]) => {
    const s = v as Record<string, unknown>;
    const alerts = Array.isArray(s.active_alerts) ? s.active_alerts.filter(isObj).map((a) => ({ severity: str(a.severity, 'unknown'), message: str(a.message) })) : [];
    return { name, state: stateOf(s.state), version: str(s.service_version), alerts };
  }).sort(byName);
  const worst = services.reduce<State>((w, s) => (STATES.indexOf(s.state) > STATES.indexOf(w) ? s.state : w), 'running');
  const server = services.find((s) => s.name === 'server') ?? services.find((s) => s.name === 'master');
  const jm = (all['jruby-metrics'] as { status?: { experimental?: { metrics?: Record<string, unknown> } } } | undefined)?.status?.experimental?.metrics;
  const jruby = isObj(jm) ? {
    instances: int(jm['num-jrubies']),
    free: int(jm['num-free-jrubies']),
    borrowed: Array.isArray(jm['borrowed-instances']) ? jm['borrowed-instances'].length : 0,
    requested: Array.isArray(jm['requested-instances']) ? jm['requested-instances'].length : 0,
    averageWaitMs: num(jm['average-wait-time']),
    averageBorrowMs: num(jm['average-borrow-time']),
    borrowTimeouts: int(jm['borrow-timeout-count']),
    queueLimitHits: int(jm['queue-limit-hit-count']),
  } : null;
  return { state: services.length ? worst : 'unknown', version: server ? server.version : null, services, jruby, checkedAt: checkedAt.toISOString() };
}

/**
 * GET /puppet/v3/environments (Puppet HTTP API: `{ search_paths, environments: { <name>: { settings:
 * { modulepath, manifest, environment_timeout, config_version } } } }`). environment_timeout is seconds or
 * the string "unlimited". Classes and modules are filled in by the caller.
 */
export function parseEnvironments(body: unknown): Environment[] {
  const envs = expectObj(expectObj(body, 'puppet/v3/environments').environments, 'puppet/v3/environments .environments');
  return Object.entries(envs).map(([name, v]) => {
    const settings = isObj(v) && isObj(v.settings) ? v.settings : {};
    const timeout = settings.environment_timeout;
    return {
      name,
      modulepath: Array.isArray(settings.modulepath) ? settings.modulepath.map((p) => str(p)) : [],
      manifest: str(settings.manifest),
      environmentTimeoutSeconds: typeof timeout === 'number' ? timeout : null,
      configVersion: str(settings.config_version),
      classes: [], classErrors: [], modules: [],
    };
  }).sort(byName);
}

/**
 * GET /puppet/v3/environment_classes?environment= (Puppet Server API: `{ name, files: [{ path, classes:
 * [{ name, params: [{ name, type?, default_source?, default_literal? }] }] } | { path, error }] }`).
 */
export function parseClasses(body: unknown): Pick<Environment, 'classes' | 'classErrors'> {
  const files = expectObj(body, 'environment_classes').files;
  if (!Array.isArray(files)) throw new Errors.Upstream('Puppetserver answered environment_classes without `files`.');
  const classes: Environment['classes'] = [];
  const classErrors: Environment['classErrors'] = [];
  for (const f of files.filter(isObj)) {
    const file = str(f.path);
    if (typeof f.error === 'string') classErrors.push({ file, error: f.error });
    for (const c of Array.isArray(f.classes) ? f.classes.filter(isObj) : []) {
      const params = (Array.isArray(c.params) ? c.params.filter(isObj) : []).map((p) => ({
        name: str(p.name),
        type: typeof p.type === 'string' ? p.type : null,
        defaultSource: typeof p.default_source === 'string' ? p.default_source : null,
      }));
      classes.push({ name: str(c.name), file, params });
    }
  }
  return { classes: classes.sort(byName), classErrors };
}

/**
 * GET /puppet/v3/environment_modules[?environment=] (Puppet Server API: one `{ name, modules: [{ name,
 * version }] }`, or an array of them without the parameter). Returns modules by environment name.
 */
export function parseModules(body: unknown): Map<string, Environment['modules']> {
  const list = Array.isArray(body) ? body : [body];
  const out = new Map<string, Environment['modules']>();
  for (const e of list) {
    const env = expectObj(e, 'environment_modules');
    const mods = Array.isArray(env.modules) ? env.modules.filter(isObj) : [];
    out.set(str(env.name), mods.map((m) => ({ name: str(m.name), version: typeof m.version === 'string' ? m.version : null })).sort(byName));
  }
  return out;
}

/**
 * POST /puppet/v4/catalog answer (Puppet Server API v4: `{ catalog: <catalog>, logs?: [...] }`) or a bare
 * catalog (Puppet's catalog JSON: name, version, code_id, catalog_uuid, environment, classes, resources,
 * edges).
 */
export function parseCatalog(body: unknown, stored: boolean): Compiled {
  const top = expectObj(body, 'a catalog');
  const cat = isObj(top.catalog) ? top.catalog : top;
  if (!Array.isArray(cat.resources)) throw new Errors.Upstream('Puppetserver answered a catalog without `resources`.');
  const logs = (Array.isArray(top.logs) ? top.logs.filter(isObj) : []).map((l) => ({
    level: str(l.level, 'info'), message: str(l.message), ...(typeof l.source === 'string' ? { source: l.source } : {}),
  }));
  return {
    node: str(cat.name),
    environment: str(cat.environment),
    version: str(cat.version),
    catalogUuid: typeof cat.catalog_uuid === 'string' ? cat.catalog_uuid : null,
    codeId: typeof cat.code_id === 'string' ? cat.code_id : null,
    classes: Array.isArray(cat.classes) ? cat.classes.map((c) => str(c)) : [],
    resources: cat.resources.filter(isObj).map((r) => ({
      type: str(r.type), title: str(r.title),
      tags: Array.isArray(r.tags) ? r.tags.map((x) => str(x)) : [],
      exported: r.exported === true,
      ...(typeof r.file === 'string' ? { file: r.file } : {}),
      ...(typeof r.line === 'number' ? { line: r.line } : {}),
      parameters: isObj(r.parameters) ? r.parameters : {},
    })),
    edges: (Array.isArray(cat.edges) ? cat.edges.filter(isObj) : []).map((e) => ({ source: refOf(e.source), target: refOf(e.target) })),
    logs,
    stored,
  };
}

/** An edge end: `Type[title]` as a string, or `{ type, title }` in older catalogs. */
function refOf(v: unknown): string {
  if (isObj(v)) return `${str(v.type)}[${str(v.title)}]`;
  return str(v);
}

/** The CA's time format (`2026-11-23T23:31:00UTC`) as ISO 8601 (`2026-11-23T23:31:00Z`); null when absent. */
export function caTime(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  const iso = v.replace(/UTC$/, 'Z');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('.000Z', 'Z');
}

/**
 * One entry of GET /puppet-ca/v1/certificate_status(es) (Puppet Server CA API: name, state, fingerprint,
 * fingerprints, dns_alt_names, subject_alt_names, authorization_extensions, serial_number, not_before,
 * not_after; the last three absent while requested).
 */
export function parseCertificate(v: unknown): Cert {
  const c = expectObj(v, 'a certificate status');
  const state = c.state === 'requested' || c.state === 'signed' || c.state === 'revoked' ? c.state : null;
  if (!state) throw new Errors.Upstream(`Puppetserver answered a certificate status with state ${JSON.stringify(c.state)}.`);
  const fps = isObj(c.fingerprints) ? c.fingerprints : {};
  const ext = isObj(c.authorization_extensions) ? c.authorization_extensions : {};
  const alt = Array.isArray(c.subject_alt_names) && c.subject_alt_names.length ? c.subject_alt_names : c.dns_alt_names;
  return {
    name: str(c.name),
    state,
    fingerprint: str(fps.SHA256 ?? c.fingerprint),
    dnsAltNames: [...new Set((Array.isArray(alt) ? alt : []).map((x) => str(x)))],
    authorizationExtensions: Object.fromEntries(Object.entries(ext).map(([k, x]) => [k, str(x)])),
    serialNumber: typeof c.serial_number === 'number' ? c.serial_number : null,
    notBefore: caTime(c.not_before),
    notAfter: caTime(c.not_after),
  };
}

/** GET /puppet-ca/v1/certificate_statuses/any: every certificate, sorted by name. */
export function parseCertificates(body: unknown): Cert[] {
  if (!Array.isArray(body)) throw new Errors.Upstream('Puppetserver answered certificate_statuses with something else than a list.');
  return body.map(parseCertificate).sort(byName);
}
