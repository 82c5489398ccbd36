/**
 * The capability catalogue is well formed: every seed capability exists, names and $ids are unique and
 * valid, every $ref resolves to a registered schema, all schemas compile together, every example is valid,
 * and execution-mode contracts follow the engine's rules.
 */
import t from 'tap';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { Type, type TSchema } from '@sinclair/typebox';
import {
  CONTRACTS, SHARED_SCHEMAS, contractByName, defineContract, ref,
  ExecutionResult, TargetSelection, commandExecute, inventoryList,
} from '../../src/capabilities/index.js';
import { SchemaValidator } from '../../src/core/validator.js';
import { authorize } from '../../src/core/permissions.js';

const addFormats = (addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule;

const SEED = [
  'inventory.list', 'inventory.get', 'inventory.groups', 'inventory.filter',
  'info.facts', 'info.refresh',
  'command.execute', 'task.execute', 'script.execute', 'plan.execute', 'task.list',
  'reports.list', 'reports.get', 'reports.query',
  'events.list', 'events.stream', 'events.query',
  'provision.create', 'provision.status', 'decommission.execute', 'decommission.status',
  'package.install', 'package.uninstall', 'package.update', 'package.list', 'package.search',
  'deploy.execute', 'deploy.status', 'deploy.rollback', 'deploy.history',
  'alert.list', 'alert.get', 'alert.acknowledge', 'alert.resolve', 'alert.subscribe',
];

/** Queries that change something (answered in the request, not run on targets): never read-risk. */
const STATE_CHANGING_QUERIES = [
  'alert.subscribe', 'alert.acknowledge', 'alert.resolve',
  'configserver.compile', 'configserver.flush', 'certificate.sign', 'certificate.revoke', 'certificate.clean', 'journal.note',
];

const EXECUTION_MODE = [
  'command.execute', 'script.execute', 'task.execute', 'plan.execute', 'provision.create', 'decommission.execute',
  'package.install', 'package.uninstall', 'package.update', 'deploy.execute', 'deploy.rollback', 'puppet.run',
];

type Visit = (node: Record<string, unknown>, path: string, isRoot: boolean) => void;

/** Walks every subschema (plain JSON values only; `examples`, `default` and `const` are data, not schemas). */
function walk(schema: unknown, visit: Visit, path = '#', isRoot = true): void {
  if (Array.isArray(schema)) {
    schema.forEach((s, i) => walk(s, visit, `${path}/${i}`, false));
    return;
  }
  if (!schema || typeof schema !== 'object') return;
  const node = schema as Record<string, unknown>;
  visit(node, path, isRoot);
  for (const [k, v] of Object.entries(node)) {
    if (k === 'examples' || k === 'default' || k === 'const' || k === 'enum') continue;
    if (k === 'properties' || k === 'patternProperties') {
      for (const [name, sub] of Object.entries(v as Record<string, unknown>)) walk(sub, visit, `${path}/${k}/${name}`, false);
    } else if (v && typeof v === 'object') {
      walk(v, visit, `${path}/${k}`, false);
    }
  }
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  for (const s of SHARED_SCHEMAS) ajv.addSchema(s);
  return ajv;
}

/** The JSON form of a schema (TypeBox adds symbol keys that deep equality would compare). */
const plain = (s: unknown): unknown => JSON.parse(JSON.stringify(s));

const ids = SHARED_SCHEMAS.map((s) => s.$id as string);

t.test('every seed capability exists, each once, with a family.verb name', async (t) => {
  const names = CONTRACTS.map((c) => c.name);
  for (const name of SEED) t.ok(contractByName(name), `${name} exists`);
  t.equal(new Set(names).size, names.length, 'no duplicate capability names');
  for (const name of names) t.match(name, /^[a-z]+\.[a-z]+$/, `${name} is family.verb`);
  t.equal(contractByName('no.such'), undefined);
  t.equal(contractByName('command.execute'), commandExecute);
  t.equal(contractByName('inventory.list'), inventoryList);
});

/** Whether authorize() lets the principal use the contract. */
function authorizes(principal: { id: string; permissions: string[] }, contract: Parameters<typeof authorize>[1]): boolean {
  try {
    authorize(principal, contract);
    return true;
  } catch {
    return false;
  }
}

t.test('contract metadata is complete', async (t) => {
  for (const c of CONTRACTS) {
    t.equal(c.category, c.name.split('.')[0], `${c.name} category`);
    t.ok(c.description.length > 20, `${c.name} has a description`);
    t.ok(['read', 'write', 'execute', 'admin'].includes(c.riskLevel), `${c.name} risk level`);
    // query.native reads everything a source holds: only the admin permission `*` grants it.
    t.same(c.requiredPermissions, c.name === 'query.native' ? ['*'] : [c.name], `${c.name} requires its own permission`);
    t.ok(['query', 'execution'].includes(c.mode), `${c.name} mode`);
    if (c.mode === 'query' && !STATE_CHANGING_QUERIES.includes(c.name)) {
      t.equal(c.riskLevel, 'read', `${c.name} is a read-only query`);
    }
  }
  for (const name of ['provision.create', 'decommission.execute', 'configserver.flush', 'certificate.sign', 'certificate.revoke', 'certificate.clean']) {
    t.equal(contractByName(name)?.riskLevel, 'admin', `${name} is admin`);
  }
  t.equal(contractByName('configserver.compile')?.riskLevel, 'write', 'a compile may store the catalog in PuppetDB');
  for (const name of STATE_CHANGING_QUERIES) t.not(contractByName(name)?.riskLevel, 'read', `${name} changes something: not read-risk`);
  const native = contractByName('query.native')!;
  t.ok(authorizes({ id: 'admin', permissions: ['*'] }, native), 'query.native: * grants it');
  for (const permissions of [['risk:read'], ['query.*'], ['query.native'], ['risk:read', 'risk:admin', 'query.*', 'query.native']]) {
    t.notOk(authorizes({ id: 'x', permissions }, native), `query.native: ${permissions.join(', ')} does not`);
  }
  t.ok(authorizes({ id: 'reader', permissions: ['risk:read'] }, contractByName('resources.list')!), 'resources.list is a plain read');
  for (const name of ['command.execute', 'script.execute', 'task.execute', 'plan.execute']) t.equal(contractByName(name)?.riskLevel, 'execute');
  for (const name of ['package.install', 'package.uninstall', 'package.update']) t.equal(contractByName(name)?.riskLevel, 'write');
  const custom = defineContract({ name: 'x.y', description: 'd', params: Type.Object({}), result: Type.Object({}), riskLevel: 'read', mode: 'query', requiredPermissions: ['x.*'] });
  t.same(custom.requiredPermissions, ['x.*'], 'requiredPermissions can be overridden');
  t.equal(custom.category, 'x');
});

t.test('$ids are unique, PascalCase, and never embedded inline', async (t) => {
  t.equal(new Set(ids).size, ids.length, 'no duplicate $id in SHARED_SCHEMAS');
  for (const id of ids) t.match(id, /^[A-Z][A-Za-z0-9]*$/, `${id} is PascalCase`);
  for (const s of SHARED_SCHEMAS) {
    t.ok(typeof s.description === 'string' && s.description.length > 0, `${s.$id} has a description`);
    walk(s, (node, path, isRoot) => {
      if (!isRoot && '$id' in node) t.fail(`${s.$id} embeds ${String(node.$id)} inline at ${path}; use ref()`);
    });
  }
  // Contract schemas are either registered (by identity) or a plain $ref to a registered one.
  for (const c of CONTRACTS) {
    for (const [role, schema] of [['params', c.params], ['result', c.result]] as const) {
      if (schema.$id) t.ok(SHARED_SCHEMAS.includes(schema), `${c.name} ${role} (${schema.$id}) is in SHARED_SCHEMAS`);
      else t.ok(typeof schema.$ref === 'string' && Object.keys(schema).length === 1, `${c.name} ${role} is a ref()`);
    }
  }
});

t.test('every $ref points at a registered $id, after it in the list', async (t) => {
  SHARED_SCHEMAS.forEach((s, index) => {
    walk(s, (node, path) => {
      if (typeof node.$ref !== 'string') return;
      const at = ids.indexOf(node.$ref);
      t.ok(at >= 0, `${s.$id}${path.slice(1)} -> ${node.$ref} is registered`);
      t.ok(at < index, `${node.$ref} comes before ${s.$id}`);
    });
  });
  for (const c of CONTRACTS) {
    for (const schema of [c.params, c.result]) {
      walk(schema, (node) => {
        if (typeof node.$ref === 'string') t.ok(ids.includes(node.$ref), `${c.name}: ${node.$ref} is registered`);
      });
    }
  }
});

t.test('all shared schemas compile together in one Ajv and every example validates', async (t) => {
  const ajv = newAjv();
  let examples = 0;
  for (const s of SHARED_SCHEMAS) t.ok(ajv.getSchema(s.$id as string), `${s.$id} compiles`);
  for (const s of SHARED_SCHEMAS) {
    walk(s, (node, path) => {
      if (!Array.isArray(node.examples)) return;
      const validate = path === '#' ? ajv.getSchema(s.$id as string)! : ajv.compile(node);
      node.examples.forEach((example, i) => {
        examples++;
        t.ok(validate(example), `${s.$id}${path.slice(1)} example ${i} is valid: ${ajv.errorsText(validate.errors)}`);
      });
    });
  }
  t.ok(examples > 50, `${examples} examples checked`);
});

t.test('each contract schema has a description and examples that validate', async (t) => {
  const ajv = newAjv();
  for (const c of CONTRACTS) {
    for (const [role, schema] of [['params', c.params], ['result', c.result]] as const) {
      if (!schema.$id) continue;
      t.ok(schema.description, `${c.name} ${role} has a description`);
      t.ok(Array.isArray(schema.examples) && schema.examples.length > 0, `${c.name} ${role} has examples`);
      const validate = ajv.getSchema(schema.$id)!;
      for (const example of schema.examples as unknown[]) {
        t.ok(validate(example), `${c.name} ${role} example: ${ajv.errorsText(validate.errors)}`);
      }
    }
  }
});

t.test('params are closed objects; execution-mode contracts return ExecutionResult and take no targets', async (t) => {
  for (const c of CONTRACTS) {
    t.equal(c.params.type, 'object', `${c.name} params is an object`);
    t.equal(c.params.additionalProperties, false, `${c.name} params reject unknown keys`);
  }
  const execution = CONTRACTS.filter((c) => c.mode === 'execution').map((c) => c.name).sort();
  t.same(execution, [...EXECUTION_MODE].sort(), 'the execution-mode set');
  for (const c of CONTRACTS.filter((x) => x.mode === 'execution')) {
    t.same(plain(c.result), { $ref: 'ExecutionResult' }, `${c.name} returns ref(ExecutionResult)`);
    walk(c.params, (node, path) => {
      const props = node.properties as Record<string, unknown> | undefined;
      if (props && 'targets' in props) t.fail(`${c.name} params hold targets at ${path}`);
    });
  }
  for (const c of CONTRACTS.filter((x) => x.mode === 'query')) t.not(c.result.$ref, 'ExecutionResult', `${c.name} is a query`);
});

t.test('the registry validator accepts the examples and rejects bad params', async (t) => {
  const v = new SchemaValidator(SHARED_SCHEMAS);
  for (const c of CONTRACTS) {
    for (const example of (c.params.examples ?? []) as unknown[]) {
      t.same(v.check(c.params, structuredClone(example)), [], `${c.name} accepts ${JSON.stringify(example)}`);
    }
  }
  const bad = (name: string, params: unknown, pointer: string) => {
    const issues = v.check(contractByName(name)!.params, params);
    t.ok(issues.some((i) => i.pointer === pointer), `${name} rejects ${JSON.stringify(params)} at ${pointer}: ${JSON.stringify(issues)}`);
  };
  bad('command.execute', { command: 42 }, '/command');
  bad('command.execute', { command: '' }, '/command');
  bad('command.execute', { command: 'uptime', targets: ['web1'] }, '/targets');
  bad('command.execute', { command: 'env', env: { 'BAD-NAME': 'x' } }, '/env/BAD-NAME');
  bad('command.execute', { command: 'id', runAs: '-oProxyCommand' }, '/runAs');
  bad('task.execute', { task: 'Package::Install' }, '/task');
  bad('plan.execute', { plan: 'deploy::' }, '/plan');
  bad('package.install', { packages: [] }, '/packages');
  bad('package.install', { packages: [{ name: '--force-yes' }] }, '/packages/0/name');
  bad('alert.subscribe', { receiverUrl: 'not a url' }, '/receiverUrl');
  // RFC 6901: the empty pointer is the params object as a whole (a missing required key is reported there).
  bad('info.facts', {}, '');
  const withDefaults: Record<string, unknown> = {};
  t.same(v.check(contractByName('reports.list')!.params, withDefaults), []);
  t.equal(withDefaults.limit, 100, 'limit defaults to 100');
});

t.test('TargetSelection follows the --targets rules', async (t) => {
  const ajv = newAjv();
  const validate = ajv.getSchema('TargetSelection')!;
  t.ok(validate(['web1.example.com', 'webservers', 'localhost']));
  t.notOk(validate([]), 'at least one target');
  t.notOk(validate(['-rf']), 'no leading dash');
  t.notOk(validate(['web 1']), 'no whitespace');
  t.notOk(validate(['']), 'not empty');
  t.equal(TargetSelection.$id, 'TargetSelection');
});

t.test('ref() makes a typed $ref and refuses a schema without $id', async (t) => {
  t.same(plain(ref(ExecutionResult)), { $ref: 'ExecutionResult' });
  t.throws(() => ref(Type.String() as TSchema), /needs a schema with an \$id/);
});
