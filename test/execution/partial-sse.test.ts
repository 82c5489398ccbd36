/**
 * Partial lines reach an SSE client live (real port, the ssh plugin's local transport): the
 * `for i in 1..8; printf "progress N%\r"` case of the issue, each update received within 1 s of being printed
 * while the command still waits (each print waits on a gate the test opens only after the update arrived),
 * and `printf 'waiting... '` ahead of its line end.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { buildTestApp, waitForExecution } from '../helper.js';
import { connectSse, type SseFrame } from '../sse-client.js';
import { submit } from '../executions-api.js';
import { until } from '../until.js';

t.test('a \\r progress bar and a prompt stream live over SSE', async (t) => {
  const app = await buildTestApp(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address() as { port: number };
  const base = `http://127.0.0.1:${addr.port}`;
  const d = mkdtempSync(join(os.tmpdir(), 'capstan-partial-sse-'));
  t.teardown(() => rmSync(d, { recursive: true, force: true }));

  const command = `for i in 1 2 3 4 5 6 7 8; do printf "progress \${i}0%%\\r"; date +%s%3N > ${d}/p$i; while [ ! -e ${d}/g$i ]; do sleep 0.02; done; done; `
    + `printf 'waiting... '; date +%s%3N > ${d}/pw; while [ ! -e ${d}/gw ]; do sleep 0.02; done; echo acquired`;
  const created = await submit(app, { capability: 'command.execute', targets: ['localhost'], params: { command } });
  const received: { text: string; partial: boolean; at: number }[] = [];
  const conn = await connectSse(`${base}/api/v1/executions/${created.id}/stream`, {}, (f: SseFrame) => {
    if (f.event !== 'stdout') return;
    const data = JSON.parse(f.data!);
    received.push({ text: data.line, partial: data.partial === true, at: Date.now() });
  });
  t.teardown(() => conn.close());
  t.equal(conn.headers['x-accel-buffering'], 'no', 'SSE responses ask proxies not to buffer');

  for (let i = 1; i <= 8; i++) {
    const got = await until(`progress ${i}0% over SSE`, () => received.find((r) => r.text.includes(`progress ${i}0%`)), 5000);
    const printed = Number(readFileSync(join(d, `p${i}`), 'utf8'));
    t.ok(got.partial, `update ${i} is a partial piece`);
    t.ok(got.at - printed < 1000, `update ${i} received ${got.at - printed} ms after it was printed`);
    writeFileSync(join(d, `g${i}`), '');
  }
  const prompt = await until('the prompt over SSE', () => received.find((r) => r.text.includes('waiting... ')), 5000);
  t.ok(prompt.at - Number(readFileSync(join(d, 'pw'), 'utf8')) < 1000, 'the prompt arrives within 1 s, before its line ends');
  writeFileSync(join(d, 'gw'), '');
  await conn.done;
  t.equal((await waitForExecution(app, created.id, 30)).status, 'succeeded');
  const text = received.map((r) => r.text + (r.partial ? '' : '\n')).join('');
  t.equal(text, `${Array.from({ length: 8 }, (_, i) => `progress ${i + 1}0%\r`).join('')}waiting... acquired\n`, 'the pieces rebuild the output exactly');
});
