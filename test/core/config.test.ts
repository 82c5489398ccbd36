/**
 * Config is data: defaults < YAML (CAPSTAN_CONFIG) < environment < overrides, every problem reported at once
 * with its path, unknown keys refused, the result deep-frozen.
 */
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CapstanError } from '../../src/core/errors.js';
import { loadConfig, validateConfig } from '../../src/config/load.js';
import { Type } from '@sinclair/typebox';
import { tempDir } from '../helper.js';

/** Writes a YAML file in a fresh temp dir and returns its path. */
function yamlFile(text: string): string {
  const file = join(tempDir('capstan-config-'), 'capstan.yaml');
  writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): CapstanError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CapstanError) return err;
    throw err;
  }
  throw new Error('expected loadConfig to throw');
}

t.test('defaults', async (t) => {
  const c = loadConfig({ env: {} });
  t.equal(c.host, '127.0.0.1');
  t.equal(c.port, 3000);
  t.equal(c.dataDir, './data');
  t.equal(c.logLevel, 'info');
  t.equal(c.pluginsDir, 'plugins/native');
  t.same(c.plugins, {});
  t.equal(c.token, undefined, 'no token by default (auth off)');
  t.equal(c.execution.maxQueued, 1000, 'nested defaults filled');
  t.equal(c.execution.concurrency, 8);
  t.equal(c.execution.heartbeatSeconds, 15);
});

t.test('environment mapping', async (t) => {
  const c = loadConfig({
    env: {
      CAPSTAN_HOST: '0.0.0.0',
      CAPSTAN_PORT: '8080',
      CAPSTAN_DATA_DIR: '/var/lib/capstan',
      CAPSTAN_LOG_LEVEL: 'debug',
      CAPSTAN_EXECUTION_MAX_QUEUED: '7',
      CAPSTAN_PLUGIN_INIT_TIMEOUT_MS: '1234',
      CAPSTAN_PLUGINS_SSH_INVENTORY_FILE: '/etc/capstan/hosts.yaml',
      CAPSTAN_PLUGINS_MY_TOOL_ENABLED: 'true',
      CAPSTAN_PLUGINS_MY_TOOL_PRIORITY: '80',
      CAPSTAN_UNRELATED_THING: 'ignored',
      HOME: '/root',
    },
    pluginIds: ['my-tool', 'ssh'],
  });
  t.equal(c.host, '0.0.0.0');
  t.equal(c.port, 8080, 'CAPSTAN_PORT, converted to a number');
  t.equal(c.dataDir, '/var/lib/capstan');
  t.equal(c.logLevel, 'debug');
  t.equal(c.execution.maxQueued, 7, 'CAPSTAN_EXECUTION_MAX_QUEUED -> execution.maxQueued');
  t.equal(c.execution.concurrency, 8, 'sibling keys keep their defaults');
  t.equal(c.pluginInitTimeoutMs, 1234);
  t.same(c.plugins.ssh, { inventoryFile: '/etc/capstan/hosts.yaml' }, 'CAPSTAN_PLUGINS_SSH_INVENTORY_FILE -> plugins.ssh.inventoryFile');
  t.same(c.plugins['my-tool'], { enabled: true, priority: 80 }, 'dashed plugin id split with pluginIds, values converted');
  t.notOk('unrelatedThing' in c, 'unknown CAPSTAN_ variables are not mapped');

  t.equal(loadConfig({ env: { PORT: '4000' } }).port, 4000, 'PORT is honoured');
  t.equal(loadConfig({ env: { PORT: '4000', CAPSTAN_PORT: '5000' } }).port, 5000, 'CAPSTAN_PORT wins over PORT');

  const noIds = loadConfig({ env: { CAPSTAN_PLUGINS_BOLT_ENABLED: 'false' } });
  t.same(noIds.plugins.bolt, { enabled: false }, 'a one-word id needs no pluginIds');
});

t.test('YAML file via CAPSTAN_CONFIG', async (t) => {
  const file = yamlFile([
    'host: 10.0.0.5',
    'port: 9000',
    'execution:',
    '  concurrency: 3',
    'plugins:',
    '  bolt:',
    '    enabled: true',
    '    projectDir: /srv/bolt',
  ].join('\n'));
  const c = loadConfig({ env: { CAPSTAN_CONFIG: file } });
  t.equal(c.host, '10.0.0.5');
  t.equal(c.port, 9000);
  t.equal(c.execution.concurrency, 3);
  t.equal(c.execution.maxQueued, 1000, 'defaults fill what the file leaves out');
  t.same(c.plugins.bolt, { enabled: true, projectDir: '/srv/bolt' });

  const empty = loadConfig({ env: { CAPSTAN_CONFIG: yamlFile('') } });
  t.equal(empty.port, 3000, 'an empty file is an empty mapping');
});

t.test('precedence: defaults < YAML < env < overrides', async (t) => {
  const file = yamlFile('host: yaml-host\nport: 1111\ndataDir: /yaml\nlogLevel: warn\nexecution:\n  maxQueued: 11\n  concurrency: 2\n');
  const env = { CAPSTAN_CONFIG: file, CAPSTAN_PORT: '2222', CAPSTAN_DATA_DIR: '/env', CAPSTAN_EXECUTION_MAX_QUEUED: '22' };
  const c = loadConfig({ env, overrides: { dataDir: '/override', execution: { maxQueued: 33 } } });
  t.equal(c.host, 'yaml-host', 'YAML beats default');
  t.equal(c.logLevel, 'warn', 'YAML beats default');
  t.equal(c.port, 2222, 'env beats YAML');
  t.equal(c.dataDir, '/override', 'override beats env');
  t.equal(c.execution.maxQueued, 33, 'override beats env, nested');
  t.equal(c.execution.concurrency, 2, 'a nested override merges, not replaces the YAML section');
  t.equal(c.healthIntervalMs, 30_000, 'default where nobody says anything');
});

t.test('every problem is reported at once, with its path', async (t) => {
  const e = configError(() => loadConfig({ env: {}, overrides: { port: 'not-a-port' as never, execution: { maxQueued: 0 } } }));
  t.equal(e.code, 'CAPSTAN_ERR_CONFIG_INVALID');
  const errors = e.extra.errors as { pointer: string; message: string }[];
  const pointers = errors.map((x) => x.pointer);
  t.ok(pointers.includes('/port'), `port named (${pointers.join(', ')})`);
  t.ok(pointers.includes('/execution/maxQueued'), 'execution.maxQueued named');
  t.match(e.message, /\/port/);
  t.match(e.message, /\/execution\/maxQueued/);

  const envErr = configError(() => loadConfig({ env: { CAPSTAN_PORT: 'eighty', CAPSTAN_LOG_LEVEL: 'loud' } }));
  const envPointers = (envErr.extra.errors as { pointer: string }[]).map((x) => x.pointer);
  t.ok(envPointers.includes('/port') && envPointers.includes('/logLevel'), `bad env values named (${envPointers.join(', ')})`);

  const plugin = configError(() => loadConfig({ env: { CAPSTAN_PLUGINS_BOLT_PRIORITY: 'high' } }));
  t.ok((plugin.extra.errors as { pointer: string }[]).some((x) => x.pointer === '/plugins/bolt/priority'), 'a bad common plugin key is named');

  t.throws(() => loadConfig({ env: {}, overrides: { port: 70000 } }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' }, 'out of range');
  t.throws(() => loadConfig({ env: {}, overrides: { bodyLimit: 10 } }), { code: 'CAPSTAN_ERR_CONFIG_INVALID' }, 'below minimum');
});

t.test('unknown top-level key is rejected', async (t) => {
  // A deliberate typo of `port`, which the types would refuse: the cast stands for untyped input (YAML).
  const e = configError(() => loadConfig({ env: {}, overrides: { prot: 3000 } as never }));
  t.equal(e.code, 'CAPSTAN_ERR_CONFIG_INVALID');
  t.ok((e.extra.errors as { pointer: string }[]).some((x) => x.pointer === '/prot'), 'the unknown key is named by its path');
  const fromYaml = configError(() => loadConfig({ env: { CAPSTAN_CONFIG: yamlFile('hots: 0.0.0.0\n') } }));
  t.equal(fromYaml.code, 'CAPSTAN_ERR_CONFIG_INVALID', 'a typo in the YAML file is caught too');
});

t.test('the result is deep-frozen', async (t) => {
  const c = loadConfig({ env: {}, overrides: { plugins: { bolt: { enabled: true } } } });
  t.ok(Object.isFrozen(c));
  t.ok(Object.isFrozen(c.execution));
  t.ok(Object.isFrozen(c.plugins));
  t.ok(Object.isFrozen(c.plugins.bolt));
  t.throws(() => { (c as { port: number }).port = 1; }, TypeError, 'assignment throws (ESM is strict)');
  t.throws(() => { (c.execution as { maxQueued: number }).maxQueued = 1; }, TypeError);
  t.equal(c.port, 3000);

  const overrides = { execution: { maxQueued: 5 } };
  loadConfig({ env: {}, overrides });
  t.notOk(Object.isFrozen(overrides), "the caller's overrides object is not frozen");
  overrides.execution.maxQueued = 6;
  t.equal(overrides.execution.maxQueued, 6);
});

t.test('unreadable or invalid YAML -> CAPSTAN_ERR_CONFIG_INVALID', async (t) => {
  const missing = configError(() => loadConfig({ env: { CAPSTAN_CONFIG: join(tempDir(), 'nope.yaml') } }));
  t.equal(missing.code, 'CAPSTAN_ERR_CONFIG_INVALID');
  t.match(missing.message, /cannot read/);

  const dir = configError(() => loadConfig({ env: { CAPSTAN_CONFIG: tempDir() } }));
  t.equal(dir.code, 'CAPSTAN_ERR_CONFIG_INVALID', 'a directory is unreadable as a file');

  const broken = configError(() => loadConfig({ env: { CAPSTAN_CONFIG: yamlFile('port: [3000\nhost: "x\n') } }));
  t.equal(broken.code, 'CAPSTAN_ERR_CONFIG_INVALID');
  t.match(broken.message, /not valid YAML/);

  const list = configError(() => loadConfig({ env: { CAPSTAN_CONFIG: yamlFile('- a\n- b\n') } }));
  t.equal(list.code, 'CAPSTAN_ERR_CONFIG_INVALID', 'a YAML list is not a config mapping');

  const scalar = configError(() => loadConfig({ env: { CAPSTAN_CONFIG: yamlFile('just a string\n') } }));
  t.equal(scalar.code, 'CAPSTAN_ERR_CONFIG_INVALID', 'a YAML scalar is not a config mapping');
});

t.test('YAML cannot pollute prototypes', async (t) => {
  const c = loadConfig({ env: { CAPSTAN_CONFIG: yamlFile('__proto__:\n  polluted: true\nport: 3001\n') } });
  t.equal(c.port, 3001);
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched');
  t.equal((c as unknown as Record<string, unknown>).polluted, undefined);
});

t.test("a plugin's list keys from env are comma-separated lists, at any depth of its schema", async (t) => {
  const schema = Type.Object({
    passEnv: Type.Array(Type.String(), { default: [] }),
    nested: Type.Object({ tags: Type.Array(Type.String(), { default: [] }), name: Type.String({ default: 'x' }) }, { default: {} }),
    ports: Type.Array(Type.Integer(), { default: [] }),
    plain: Type.Optional(Type.String()),
  });
  const c = loadConfig({ env: { CAPSTAN_PLUGINS_TERRAFORM_PASS_ENV: 'AWS_PROFILE, TF_CLI_CONFIG_FILE,,', CAPSTAN_PLUGINS_TERRAFORM_PLAIN: 'a,b' } });
  const v = validateConfig(schema, { ...c.plugins.terraform, nested: { tags: 'a,b', name: 'n,m' }, ports: '22, 80' }, 'plugins.terraform') as Record<string, any>;
  t.same(v.passEnv, ['AWS_PROFILE', 'TF_CLI_CONFIG_FILE'], 'CAPSTAN_PLUGINS_TERRAFORM_PASS_ENV=A,B');
  t.same(v.nested, { tags: ['a', 'b'], name: 'n,m' }, 'nested lists too; strings stay strings');
  t.same(v.ports, [22, 80], 'then converted item by item');
  t.equal(v.plain, 'a,b');
  t.same((validateConfig(schema, { passEnv: ['A,B'] }, 'p') as any).passEnv, ['A,B'], 'a list stays as given');
  const { TerraformConfigSchema } = await import('../../plugins/native/terraform/config.js');
  const { plain: _p, ...tf } = c.plugins.terraform as Record<string, unknown>;
  t.same((validateConfig(TerraformConfigSchema, tf, 'plugins.terraform') as any).passEnv, ['AWS_PROFILE', 'TF_CLI_CONFIG_FILE'], 'the terraform plugin loads it');
});
