/**
 * Inventory through the API from the three forms ansible-inventory reads: an ini file, a yaml file and a
 * directory with group_vars/ and host_vars/ (children groups, group and host vars merged by Ansible).
 * Needs only ansible-core (no hosts are contacted).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, tempDir } from '../../../../test/helper.js';
import { ansibleUnavailableReason } from './fixtures/helpers.js';

const unavailable = ansibleUnavailableReason();

const INI = `[web]
web1 ansible_host=10.0.0.1 ansible_port=2201
web2 ansible_host=10.0.0.2
[db]
db1 ansible_user=postgres
[prod:children]
web
db
[web:vars]
tier=frontend
[all:vars]
ansible_password=hunter2
`;

const YAML = `all:
  vars: {ansible_password: hunter2}
  children:
    prod:
      children:
        web:
          vars: {tier: frontend}
          hosts:
            web1: {ansible_host: 10.0.0.1, ansible_port: 2201}
            web2: {ansible_host: 10.0.0.2}
        db:
          hosts:
            db1: {ansible_user: postgres}
`;

function directory(dir: string): string {
  const inv = join(dir, 'inventory');
  mkdirSync(join(inv, 'group_vars'), { recursive: true });
  mkdirSync(join(inv, 'host_vars'), { recursive: true });
  // Inside a directory Ansible skips *.ini files (INVENTORY_IGNORE_EXTS): the ini file has no extension.
  writeFileSync(join(inv, 'hosts'), '[web]\nweb1\nweb2 ansible_host=10.0.0.2\n[db]\ndb1\n[prod:children]\nweb\ndb\n');
  writeFileSync(join(inv, 'group_vars', 'web.yml'), 'tier: frontend\n');
  writeFileSync(join(inv, 'group_vars', 'all.yml'), 'ansible_password: hunter2\n');
  writeFileSync(join(inv, 'host_vars', 'web1.yml'), 'ansible_host: 10.0.0.1\nansible_port: 2201\n');
  writeFileSync(join(inv, 'host_vars', 'db1.yml'), 'ansible_user: postgres\n');
  return inv;
}

t.test('inventory forms', { skip: unavailable ?? false }, async (t) => {
  const dir = tempDir('capstan-ansinv-');
  t.teardown(() => import('node:fs/promises').then((fs) => fs.rm(dir, { recursive: true, force: true })));
  writeFileSync(join(dir, 'hosts.ini'), INI);
  writeFileSync(join(dir, 'hosts.yml'), YAML);
  const forms: [string, string][] = [['ini', join(dir, 'hosts.ini')], ['yaml', join(dir, 'hosts.yml')], ['directory', directory(dir)]];
  for (const [form, inventory] of forms) {
    t.test(form, async (t) => {
      const app = await buildTestApp(t, { plugins: { ansible: { inventory } } } as any);
      const res = await app.inject({ method: 'GET', url: '/api/v1/inventory' });
      t.equal(res.statusCode, 200);
      const mine = res.json().items.filter((n: any) => n.sources.some((s: any) => s.source === 'ansible'));
      t.same(mine.map((n: any) => [n.name, n.uri, n.transport, n.groups]), [
        ['db1', 'db1', 'ssh', ['db', 'prod', 'all']],
        ['web1', '10.0.0.1:2201', 'ssh', ['prod', 'web', 'all']],
        ['web2', '10.0.0.2', 'ssh', ['prod', 'web', 'all']],
      ]);
      const web1 = mine.find((n: any) => n.name === 'web1');
      t.equal(web1.vars.tier, 'frontend', 'group vars merged');
      t.equal(web1.vars.ansible_password, '***', 'secrets redacted');
      t.equal(mine.find((n: any) => n.name === 'db1').vars.ansible_user, 'postgres', 'host vars');
      const groups = (await app.inject({ method: 'GET', url: '/api/v1/inventory/groups' })).json().items;
      const prod = groups.find((g: any) => g.name === 'prod');
      t.same([...prod.targets].sort(), ['db1', 'web1', 'web2']);
      const one = await app.inject({ method: 'GET', url: '/api/v1/inventory/nodes/web2' });
      t.equal(one.statusCode, 200);
      t.equal(one.json().name, 'web2');
      const filtered = await app.inject({ method: 'GET', url: '/api/v1/inventory?group=db' });
      t.same(filtered.json().items.map((n: any) => n.name), ['db1']);
    });
  }

  t.test('a missing inventory is an error of the source, not an empty inventory', async (t) => {
    const app = await buildTestApp(t, { plugins: { ansible: { inventory: join(dir, 'missing.ini') } } } as any);
    const res = await app.inject({ method: 'GET', url: '/api/v1/inventory' });
    const src = res.json().sources.find((s: any) => s.source === 'ansible');
    t.equal(src.status, 'error');
    t.match(JSON.stringify(src.error), /No inventory was parsed|Unable to parse/);
  });

  t.test('health: ansible --version', async (t) => {
    const app = await buildTestApp(t, { plugins: { ansible: { inventory: join(dir, 'hosts.ini') } } } as any);
    const res = await app.inject({ method: 'GET', url: '/api/v1/plugins/ansible' });
    t.equal(res.statusCode, 200);
    t.match(JSON.stringify(res.json()), /ansible \[core 2\./);
  });
});
