/**
 * script.execute's `extension` through the ansible plugin and ansible-core's script module, on one host with
 * `ansible_connection=local` (no network, no sshd): the file Ansible copies and runs keeps the name
 * `script<extension>`. A fake pwsh (a sh script printing its argv and the file) stands in for PowerShell.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, tempDir, waitForExecution } from '../../../../test/helper.js';
import { ansibleUnavailableReason, events, lines, submit } from './fixtures/helpers.js';

const unavailable = ansibleUnavailableReason();

t.test('script.execute with an extension (local connection)', { skip: unavailable ?? false }, async (t) => {
  const dir = tempDir('capstan-ansible-ext-');
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const inventory = join(dir, 'hosts.ini');
  writeFileSync(inventory, `box ansible_connection=local\n`);
  const pwsh = join(dir, 'pwsh');
  writeFileSync(pwsh, '#!/bin/sh\nprintf "%s\\n" "$@"\ncat "$1"\n', { mode: 0o755 });
  const app = await buildTestApp(t, { plugins: { ansible: { inventory, connectTimeoutSeconds: 5 } } } as any);

  const created = await submit(app, {
    capability: 'script.execute', targets: ['box'],
    params: { script: 'Write-Output "hi"\n', interpreter: pwsh, extension: '.ps1', arguments: ['a b'] },
  });
  const done = await waitForExecution(app, created.id, 120);
  t.equal(done.status, 'succeeded', JSON.stringify(done.results));
  const out = lines(await events(app, created.id), 'stdout', 'box');
  t.match(out[0], /\/script\.ps1$/, "the module's copy on the host is script.ps1 (on Windows hosts Ansible runs it in PowerShell by the extension)");
  t.same(out.slice(1), ['a b', `#!/usr/bin/env ${pwsh}`, 'Write-Output "hi"'], 'the argument; the script with a shebang line (a comment in PowerShell) for POSIX hosts');

  const plain = await submit(app, { capability: 'script.execute', targets: ['box'], params: { script: '#!/bin/sh\necho "$0"\n' } });
  await waitForExecution(app, plain.id, 120);
  t.match(lines(await events(app, plain.id), 'stdout', 'box'), [/\/script$/], 'without an extension: script');
});
