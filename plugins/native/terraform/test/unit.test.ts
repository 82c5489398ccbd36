/**
 * Unit tests of the terraform plugin's parsers on recorded streams (fixtures/README.md names their source:
 * terraform-json.md §6) and of the module variable checks: nothing runs a CLI here.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { SECRET_KEY_NAMES } from '../../../../src/capabilities/sensitive.js';
import { outputAttributes, parseOutputs, renderLine, RunReport, stateResources } from '../events.js';
import { nodeFromOutputs, snapshotOf } from '../inventory.js';
import { Workspaces } from '../workspace.js';
import { localModuleDirs, localSources } from '../local-modules.js';
import { stateBlock, stateBlockIssue } from '../backend.js';
import { TerraformPlugin } from '../plugin.js';
import { pino } from 'pino';
import { cliEnv } from '../cli.js';
import { hclVariables, jsonVariables, readVariables, suppliedVariables, templateIssue, typeProblem, variableIssues } from '../module.js';
import { TerraformConfigSchema, type TerraformConfig } from '../config.js';
import { Value } from '@sinclair/typebox/value';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** Feeds a recorded stream line by line, as the CLI runner does. */
function play(name: string) {
  const report = new RunReport();
  const stdout: string[] = [];
  const stderr: string[] = [];
  for (const raw of fixture(name).split('\n').filter(Boolean)) {
    const r = renderLine(raw);
    if (r.event) report.take(r.event);
    (r.stream === 'stdout' ? stdout : stderr).push(...r.lines);
  }
  return { report, stdout, stderr };
}

t.test('plan (§6.2): each event is its @message; planned changes and the plan summary are gathered', async (t) => {
  const { report, stdout, stderr } = play('plan-create-2.jsonl');
  t.same(stdout, [
    'Terraform 1.15.9',
    'local_file.app_config: Plan to create',
    'terraform_data.build_stamp: Plan to create',
    'Plan: 2 to add, 0 to change, 0 to destroy.',
    'Outputs: 1',
  ]);
  t.same(stderr, []);
  t.same(report.planned, [{ address: 'local_file.app_config', action: 'create' }, { address: 'terraform_data.build_stamp', action: 'create' }]);
  t.match(report.summaries.get('plan'), { add: 2, change: 0, remove: 0, operation: 'plan' });
  t.same(report.version, { tool: 'terraform', version: '1.15.9', ui: '1.3' });
  t.same(report.errors(), []);
});

t.test('apply (§6.3): progress per resource, the apply summary', async (t) => {
  const { report, stdout } = play('apply-success.jsonl');
  t.ok(stdout.includes('terraform_data.build_stamp: Creating...'));
  t.ok(stdout.includes('local_file.app_config: Creation complete after 0s [id=3c9d0e4b7a1f2e5d8c6b9a0f1e2d3c4b5a6f7e8d]'));
  t.equal(stdout.at(-2), 'Apply complete! Resources: 2 added, 0 changed, 0 destroyed.');
  t.same(report.completed, ['terraform_data.build_stamp', 'local_file.app_config']);
  t.match(report.summaries.get('apply'), { add: 2, operation: 'apply' });
  t.same(report.errored, []);
});

t.test('failed apply (§6.4): the diagnostic goes to stderr with severity, address, place and detail', async (t) => {
  const { report, stdout, stderr } = play('apply-failed.jsonl');
  t.ok(stdout.includes('local_file.app_config: Creation errored after 0s'));
  t.same(stderr, [
    'error: Create local file error (local_file.app_config, main.tf:7)',
    '  An unexpected error occurred while writing the file (invented text)',
  ]);
  t.same(report.completed, ['terraform_data.build_stamp'], 'what completed before the failure (kept in the state)');
  t.same(report.errored, ['local_file.app_config']);
  t.equal(report.summaries.get('apply'), undefined, 'no closing summary after a failure');
  t.equal(report.errorText(), 'Create local file error (local_file.app_config): An unexpected error occurred while writing the file (invented text)');
  t.equal(report.lockHeld(), undefined);
  t.equal(report.stalePlan(), undefined);
});

t.test('destroy (§6.5): refreshes, planned deletes, the destroy summary', async (t) => {
  const { report, stdout } = play('destroy.jsonl');
  t.equal(stdout.length, 14);
  t.same(report.planned.map((p) => p.action), ['delete', 'delete']);
  t.match(report.summaries.get('destroy'), { remove: 2, operation: 'destroy' });
  t.match(report.summaries.get('plan'), { remove: 2 });
});

t.test('init -json (§6.1): a message spanning lines is shown as lines', async (t) => {
  const { stdout } = play('init.jsonl');
  t.ok(stdout.includes('Terraform has created a lock file .terraform.lock.hcl to record the provider'));
  t.ok(stdout.includes('selections it made above.'));
  t.equal(stdout.at(-1), 'Terraform has been successfully initialized!');
});

t.test('OpenTofu (§4): the version message names tofu', async (t) => {
  const { report, stdout } = play('tofu-version.jsonl');
  t.same(report.version, { tool: 'tofu', version: '1.12.6', ui: '1.2' });
  t.same(stdout, ['OpenTofu 1.12.6']);
});

t.test('a state lock held elsewhere is recognised, with who holds it', async (t) => {
  const { report, stderr } = play('plan-locked.jsonl');
  t.equal(stderr[0], 'error: Error acquiring the state lock');
  const lock = report.lockHeld();
  t.match(lock?.lock, { ID: '9f1c2d3e-4b5a-6978-8a9b-0c1d2e3f4a5b', Operation: 'OperationTypeApply', Who: 'ops@build7', Path: 'terraform.tfstate' });
});

t.test('a stale saved plan and an interrupt are recognised; other lines pass through', async (t) => {
  const r = new RunReport();
  r.take({ type: 'diagnostic', diagnostic: { severity: 'error', summary: 'Saved plan is stale', detail: 'The given plan file can no longer be applied because the state was changed by another operation after the plan was created.' } });
  t.ok(r.stalePlan());
  t.same(renderLine('panic: something odd'), { stream: 'stdout', lines: ['panic: something odd'] });
  t.same(renderLine('{not json'), { stream: 'stdout', lines: ['{not json'] });
  t.same(renderLine(''), { stream: 'stdout', lines: [] });
  const w = renderLine(JSON.stringify({ '@level': 'warn', '@message': 'Warning: x', type: 'diagnostic', diagnostic: { severity: 'warning', summary: 'Value for undeclared variable', detail: '' } }));
  t.same(w, { stream: 'stderr', lines: ['warning: Value for undeclared variable'], event: w.event });
  t.same(renderLine(JSON.stringify({ type: 'future_thing', '@message': 'new' })).lines, ['new'], 'unknown types are shown, not refused');
});

t.test('output -json (§6.6) and show -json (§6.7); sensitive outputs become ***', async (t) => {
  const outputs = parseOutputs(fixture('output.json'));
  t.same(outputAttributes(outputs), { config_path: './out/app.json' });
  t.same(outputAttributes({ ...outputs, root_password: { sensitive: true, type: 'string', value: 'hunter2' } }), { config_path: './out/app.json', root_password: '***' });
  t.same(stateResources(JSON.parse(fixture('show.json'))), [
    { address: 'local_file.app_config', type: 'local_file', id: '3c9d0e4b7a1f2e5d8c6b9a0f1e2d3c4b5a6f7e8d' },
    { address: 'terraform_data.build_stamp', type: 'terraform_data', id: '5b1e7c2a-3f44-9d10-a6e2-0c9b8d7e6f51' },
  ]);
  t.same(stateResources({ format_version: '1.0' }), [], 'an empty state');
  t.same(parseOutputs('{}\n'), {});
});

t.test('variable declarations: *.tf.json and simple HCL blocks', async (t) => {
  t.same(jsonVariables({ variable: { name: { type: 'string' }, size: { type: 'number', default: 1 }, pw: { type: 'string', sensitive: true, nullable: false } } }), [
    { name: 'name', required: true, sensitive: false, nullable: true, type: 'string' },
    { name: 'size', required: false, sensitive: false, nullable: true, type: 'number' },
    { name: 'pw', required: true, sensitive: true, nullable: false, type: 'string' },
  ]);
  t.same(jsonVariables({ variable: [{ a: { type: '${list(string)}' } }] })[0].type, 'list(string)', 'list form, template-wrapped type');
  const hcl = `
# comment with variable "fake" {
variable "region" {
  type        = string
  description = "Where"
}
variable "count_of" {
  type    = number
  default = 2 # two
  validation {
    condition     = var.count_of > 0
    error_message = "positive { please }"
  }
}
variable "tags" {
  type = map(string)
  default = {
    a = "b"
  }
}
variable "secret" {
  sensitive = true
}
`;
  t.same(hclVariables(hcl), [
    { name: 'region', required: true, sensitive: false, nullable: true, type: 'string', description: 'Where' },
    { name: 'count_of', required: false, sensitive: false, nullable: true, type: 'number' },
    { name: 'tags', required: false, sensitive: false, nullable: true, type: 'map(string)' },
    { name: 'secret', required: true, sensitive: true, nullable: true },
  ]);
});

t.test('variable checks: unknown, missing, wrong basic type, sensitive passed in clear', async (t) => {
  const decls = new Map(jsonVariables({ variable: {
    name: { type: 'string' }, size: { type: 'number', default: 1 }, on: { type: 'bool', default: true },
    tags: { type: 'map(string)', default: {} }, ports: { type: 'list(number)', default: [] }, root_key: { type: 'string', sensitive: true, default: '' },
    db_password: { type: 'string', sensitive: true, default: '' }, anything: { default: null }, strict: { type: 'string', nullable: false, default: 'x' },
  } }).map((d) => [d.name, d]));
  const key = new RegExp(SECRET_KEY_NAMES, 'i');
  t.same(variableIssues(decls, { name: 'web', size: '3', on: 'false', tags: { a: 'b' }, ports: [80], anything: [1], db_password: 'x' }, { root_key: 'k' }, key), [], 'valid, with Terraform\'s conversions');
  t.same(variableIssues(decls, { nmae: 'web', size: 'big', on: 2, tags: [], ports: {}, root_key: 'k', strict: null }, {}, key).map((i) => i.pointer), [
    '/variables/nmae', '/variables/size', '/variables/on', '/variables/tags', '/variables/ports', '/variables/root_key', '/variables/strict', '/variables/name',
  ]);
  const [unknown] = variableIssues(decls, { nmae: 'web', name: 'x' }, {}, key);
  t.match(unknown.message, /declares no variable 'nmae'/);
  t.match(variableIssues(decls, {}, {}, key)[0], { pointer: '/variables/name', message: /required/ });
  t.match(variableIssues(decls, { name: 'a', root_key: 'k' }, {}, key)[0].message, /secretVariables/);
  t.match(variableIssues(decls, { name: 'a' }, { name: 'b' }, key)[0], { pointer: '/secretVariables/name', message: /also given/ });
  t.equal(typeProblem({ name: 'x', required: true, sensitive: false, nullable: true, type: 'object({ a = string })' }, { a: 'b' }), undefined);
  t.match(typeProblem({ name: 'x', required: true, sensitive: false, nullable: true, type: 'string' }, { a: 1 }), /must be a string/);
});

t.test('templates: a directory under moduleDir holding configuration, nothing else', async (t) => {
  const root = t.testdir({ vm: { 'main.tf.json': '{"variable":{"name":{"type":"string"}}}', 'vars.tf': 'variable "size" {\n  default = 1\n}\n' }, empty: {}, 'file.txt': 'x' });
  t.equal(templateIssue(root, 'vm'), undefined);
  t.equal(templateIssue(root, 'vm/'), undefined);
  t.match(templateIssue(root, '../vm'), /no absolute path, no `..`/);
  t.match(templateIssue(root, 'vm/../vm'), /no `..`/);
  t.match(templateIssue(root, '/etc'), /no absolute path/);
  t.match(templateIssue(root, 'nope'), /no module directory/);
  t.match(templateIssue(root, 'file.txt'), /no module directory/);
  t.match(templateIssue(root, 'empty'), /holds no .tf/);
  t.match(templateIssue(undefined, 'vm'), /no moduleDir/);
  t.same([...readVariables(join(root, 'vm')).keys()], ['name', 'size']);
});

t.test('the CLI environment: never prompts; only the named server variables pass', async (t) => {
  t.same(cliEnv({ passEnv: ['AWS_PROFILE', 'MISSING'] }, { AWS_PROFILE: 'ops', SECRET: 'x' }), { AWS_PROFILE: 'ops', TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' });
});

t.test('records are read only for resource names', async (t) => {
  const ws = new Workspaces(t.testdir());
  t.equal(ws.read('../../etc'), undefined);
  t.equal(ws.read('.hidden'), undefined);
  t.equal(ws.read('web1'), undefined);
  ws.write({ name: 'web1', template: 'vm', status: 'running', registered: true, node: 'web1', groups: [], attributes: {}, createdAt: 'x', updatedAt: 'x' });
  t.match(ws.read('web1'), { name: 'web1' });
  t.same(ws.all().map((r) => r.name), ['web1']);
});

t.test('nodes from the configured outputs; the inventory snapshot of registered records', async (t) => {
  const cfg = Value.Default(TerraformConfigSchema, {}) as TerraformConfig;
  t.same(nodeFromOutputs(cfg, {
    name: { value: 'web3.example.com' }, address: { value: '10.0.0.3' }, transport: { value: 'ssh' }, groups: { value: ['web', 7] },
  }, 'web3', ['canary']), { node: 'web3', groups: ['canary', 'web'], address: '10.0.0.3', transport: 'ssh', nameMismatch: 'web3.example.com' },
  'the node is named as its resource whatever the name output says; a differing one is reported');
  t.same(nodeFromOutputs(cfg, { name: { value: 'web3' } }, 'web3'), { node: 'web3', groups: [] }, 'a name output equal to the resource name');
  t.same(nodeFromOutputs(cfg, { name: { value: 'secret-name', sensitive: true } }, 'web3'), { node: 'web3', groups: [] }, 'a sensitive output is not even compared');
  t.match(nodeFromOutputs(cfg, { name: { value: '../etc passwd' } }, 'web3'), { node: 'web3' }, 'nor can a name output that is no host name');
  const base = { template: 'vm', status: 'running' as const, attributes: {}, createdAt: 'x', updatedAt: 'x' };
  const snap = snapshotOf([
    { ...base, name: 'a', node: 'a', registered: true, groups: ['web'], address: '10.0.0.1' },
    { ...base, name: 'b', node: 'b', registered: false, groups: ['web'] },
  ], 'terraform', 'v1');
  t.same(snap.nodes.map((n) => [n.name, n.uri, n.transport]), [['a', '10.0.0.1', 'ssh']]);
  t.same(snap.groups, [{ name: 'web', targets: ['a'], sources: ['terraform'] }]);
  t.equal(snap.version, 'v1');
});

t.test('destroy targets that matched nothing', async (t) => {
  const { unmatchedTargets } = await import('../plugin.js');
  const destroyed = ['terraform_data.vm', 'terraform_data.disk[0]', 'module.net.terraform_data.x', 'terraform_data.tags["a"]'];
  t.same(unmatchedTargets(['terraform_data.vm', 'terraform_data.disk', 'terraform_data.disk[0]', 'module.net', 'terraform_data.tags'], destroyed), []);
  t.same(unmatchedTargets(['terraform_data.vmm', 'terraform_data.v', 'module.ne', 'terraform_data.disk[1]'], destroyed), ['terraform_data.vmm', 'terraform_data.v', 'module.ne', 'terraform_data.disk[1]']);
  t.same(unmatchedTargets([], []), []);
});

t.test('variable declarations: comments and multi-line values never make or hide a variable', async (t) => {
  const hcl = [
    '/* variable "ghost" {',
    '  type = string',
    '} */',
    '# variable "ghost2" { type = string }',
    'variable "conf" {',
    '  type = object({',
    '    default = string',
    '    size    = number',
    '  })',
    '  description = "has a { brace } and # hash"',
    '}',
    'variable "opt" {',
    '  default = {',
    '    a = 1',
    '  }',
    '  // default = 2',
    '}',
    'variable "req" { // default = 1',
    '  type = string /* default = "x" */',
    '}',
  ].join('\n');
  t.same(hclVariables(hcl), [
    { name: 'conf', required: true, sensitive: false, nullable: true, type: 'object({ default = string size = number })', description: 'has a { brace } and # hash' },
    { name: 'opt', required: false, sensitive: false, nullable: true },
    { name: 'req', required: true, sensitive: false, nullable: true, type: 'string' },
  ]);
});

t.test("variables the module's own files or TF_VAR_ supply are not missing", async (t) => {
  const dir = t.testdir({
    'main.tf': 'variable "a" {}\nvariable "b" {}\nvariable "c" {}\nvariable "d" {}\nvariable "e" {}\nvariable "f" {}\n',
    'terraform.tfvars': '# f = 1\na = "x"\nlist = [\n  "g = 1",\n]\n',
    'terraform.tfvars.json': '{"b": 2}',
    'x.auto.tfvars': 'c = { k = 1 }\n',
    'y.auto.tfvars.json': '{"d": true}',
    'other.tfvars': 'f = 1\n',
  });
  const supplied = suppliedVariables(dir, { TF_VAR_e: 'v', PATH: '/bin' });
  t.same([...supplied].sort(), ['a', 'b', 'c', 'd', 'e', 'list']);
  const issues = variableIssues(readVariables(dir), {}, {}, /secret/i, supplied);
  t.same(issues.map((i) => i.pointer), ['/variables/f'], 'only f, in no file Terraform reads by itself, is missing');
});

t.test("a working copy: the module's files and its dependency lock file; state and our files kept", async (t) => {
  const root = t.testdir({
    mod: { 'main.tf': 'variable "a" {}\n', '.terraform.lock.hcl': '# pinned v1\n', 'sub': { 'x.tf': '' }, 'terraform.tfstate': 'not copied' },
    data: {},
  });
  const ws = new Workspaces(join(root, 'data'));
  const dir = ws.prepare('web1', root, 'mod');
  t.equal(dir, ws.workdir('web1', 'mod'));
  t.equal(readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8'), '# pinned v1\n', 'the lock file is copied');
  t.ok(existsSync(join(dir, 'sub', 'x.tf')));
  t.notOk(existsSync(join(dir, 'terraform.tfstate')), "a module's own state is never copied");
  writeFileSync(join(dir, 'terraform.tfstate'), '{"resources":[{}]}');
  writeFileSync(join(dir, 'capstan.tfvars.json'), '{"a":"1"}');
  writeFileSync(join(root, 'mod', '.terraform.lock.hcl'), '# pinned v2\n');
  rmSync(join(root, 'mod', 'sub'), { recursive: true });
  ws.prepare('web1', root, 'mod');
  t.equal(readFileSync(join(dir, '.terraform.lock.hcl'), 'utf8'), '# pinned v2\n', 'the module’s pins win at each plan');
  t.notOk(existsSync(join(dir, 'sub')), 'configuration removed from the module leaves the copy');
  t.ok(ws.hasState('web1', 'mod'), 'the state is kept');
  t.same(ws.readVars('web1', 'mod'), { a: '1' }, 'our files are kept');
});

t.test('local module sources: copied at the same relative places, never from outside the module directory', async (t) => {
  const root = t.testdir({
    modules: {
      env: { prod: { web: {
        'main.tf': '# module "old" { source = "../../../gone" }\nmodule "net" {\n  source = "../../../shared/net"\n}\nmodule "dns" { source = "./dns" }\nmodule "reg" { source = "hashicorp/consul/aws" }\n',
        dns: { 'main.tf': '' },
      } } },
      shared: {
        net: { 'main.tf.json': JSON.stringify({ module: { sub: [{ source: '../sub' }] } }), '.terraform': { 'big': 'x' } },
        sub: { 'main.tf': 'resource "null_resource" "x" {}\n' },
        unrelated: { 'main.tf': '' },
      },
      escape: { 'main.tf': 'module "x" {\n  source = "../../elsewhere"\n}\n' },
      missing: { 'main.tf': 'module "x" {\n  source = "./nope"\n}\n' },
    },
    data: {},
  });
  const mods = join(root, 'modules');
  t.same(localModuleDirs(mods, 'env/prod/web'), { dirs: ['env/prod/web', 'shared/net', 'env/prod/web/dns', 'shared/sub'] }, 'followed from module to module; comments and registry sources ignored');
  t.match(localModuleDirs(mods, 'escape').issue, /'..\/..\/elsewhere' in 'escape\/main.tf' is outside the module directory/);
  t.match(localModuleDirs(mods, 'missing').issue, /'.\/nope' in 'missing\/main.tf' is not a directory/);
  t.same(localSources(join(mods, 'shared', 'net')), [{ file: 'main.tf.json', source: '../sub' }], 'JSON syntax, list form');

  const ws = new Workspaces(join(root, 'data'));
  const work = ws.prepare('web1', mods, 'env/prod/web');
  t.ok(existsSync(join(work, '../../../shared/net/main.tf.json')), '../../../shared/net resolves from the working directory');
  t.ok(existsSync(join(work, '../../../shared/sub/main.tf')));
  t.ok(existsSync(join(work, 'dns', 'main.tf')));
  t.notOk(existsSync(join(work, '../../../shared/unrelated')), 'what the template does not reach is not copied');
  t.notOk(existsSync(join(work, '../../../shared/net/.terraform')), "a module's .terraform is never copied");
});

t.test('a working copy from before the mirror keeps its state; files held aside by a crashed refill come back', async (t) => {
  const root = t.testdir({ mods: { vm: { 'main.tf': '' } }, data: { terraform: { old1: {
    'capstan.json': JSON.stringify({ name: 'old1', template: 'vm', status: 'running', registered: true, node: 'old1', groups: [], attributes: {}, createdAt: 'x', updatedAt: 'x' }),
    'terraform.tfstate': '{"resources":[{}]}', 'capstan.tfvars.json': '{}', 'main.tf': '',
  }, held1: {
    'capstan.json': JSON.stringify({ name: 'held1', template: 'vm', status: 'running', registered: true, node: 'held1', groups: [], attributes: {}, createdAt: 'x', updatedAt: 'x' }),
    '.held': { 'terraform.tfstate': '{"resources":[{}]}' },
  } } } });
  const ws = new Workspaces(join(root, 'data'));
  t.ok(ws.read('old1'));
  t.ok(ws.hasState('old1', 'vm'), 'the state moved to where Terraform now runs');
  t.notOk(existsSync(join(ws.dir('old1'), 'terraform.tfstate')));
  t.ok(existsSync(join(ws.dir('old1'), 'capstan.json')), 'the record stays');
  t.ok(ws.read('held1'));
  t.ok(ws.hasState('held1', 'vm'));
  t.notOk(existsSync(join(ws.dir('held1'), '.held')));
});

t.test('only a module block names a module source; backend and cloud blocks are found in both syntaxes', async (t) => {
  const root = t.testdir({
    hcl: { 'main.tf': 'resource "x" "y" {\n  provisioner "file" {\n    source = "../files/app.conf"\n  }\n}\nmodule "net" {\n  source = "../net"\n  tags = { source = "./nope" }\n}\n' },
    s3: { 'main.tf': '# backend "gcs" {}\nterraform {\n  required_version = ">= 1.5"\n  backend "s3" {\n    key = "x"\n  }\n}\n' },
    tfc: { 'main.tf': 'terraform {\n  cloud {\n    organization = "o"\n  }\n}\n' },
    json: { 'main.tf.json': JSON.stringify({ terraform: [{ backend: { consul: { path: 'p' } } }] }) },
    plain: { 'main.tf': 'terraform {\n  required_providers {}\n}\n', 'b.tf.json': JSON.stringify({ terraform: { required_version: '>= 1' } }) },
  });
  t.same(localSources(join(root, 'hcl')), [{ file: 'main.tf', source: '../net' }], 'a provisioner\'s file source is no module; nor a nested map key');
  const inside = join(root, 'inside');
  mkdirSync(join(inside, 'mods', 'web'), { recursive: true });
  writeFileSync(join(inside, 'mods', 'web', 'main.tf'), 'module "all" { source = ".." }');
  const ws = new Workspaces(join(inside, 'mods', 'data'));
  t.ok(existsSync(join(ws.prepare('w1', join(inside, 'mods'), 'web'), 'main.tf')), 'a data directory inside the module directory is not copied into itself');
  t.same(stateBlock(join(root, 's3')), { file: 'main.tf', block: 'backend "s3"' }, 'a commented-out block is not read');
  t.same(stateBlock(join(root, 'tfc')), { file: 'main.tf', block: 'cloud' });
  t.same(stateBlock(join(root, 'json')), { file: 'main.tf.json', block: 'backend "consul"' });
  t.equal(stateBlock(join(root, 'plain')), undefined);
  t.match(stateBlockIssue(join(root, 's3')), /one local state per provisioned resource/);
});

t.test("a resource's mask covers its secret variables and secret-named keys at any depth", async (t) => {
  const root = t.testdir({ data: {}, mods: { m: { 'main.tf': '' } } });
  const plugin = new TerraformPlugin(Value.Default(TerraformConfigSchema, { moduleDir: root }) as TerraformConfig, pino({ level: 'silent' }), { createCircuitBreaker: () => ({ call: (f: () => unknown) => f(), state: 'closed' }) } as never, join(root, 'data'));
  const ws = new Workspaces(join(root, 'data'));
  ws.prepare('m1', join(root, 'mods'), 'm');
  ws.writeVars('m1', 'm', { db: { host: 'db.example', password: 'deep-pass-1' }, list: [{ api_token: 'token-value-2' }], admin: 'plain-value-3', named: 'secret-value-4' });
  const mask = (plugin as unknown as { maskOf: (r: object) => (v: string) => string }).maskOf({ name: 'm1', template: 'm', secretNames: ['named'] });
  t.equal(mask('deep-pass-1 token-value-2 plain-value-3 secret-value-4 db.example'), '*** *** plain-value-3 *** db.example');
});
