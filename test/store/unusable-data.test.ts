/**
 * Unusable data at start, with the real server process (`npm start`): a corrupt, a truncated database, and
 * a database deleted while its write-ahead log remains each stop the start with one line naming the file and
 * what to do, exit status 2, no stack trace, and never an empty history started over the old one.
 */
import { copyFileSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { buildApp } from '../../src/app.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { tempDir, testConfig } from '../helper.js';
import { runServerToExit } from '../server-process.js';

/** A store with some history: one execution and enough output for many pages. */
function storeWithHistory(dir: string): SqliteStore {
  const store = new SqliteStore(join(dir, 'capstan.db'));
  const { row } = store.createExecution({
    id: 'e1', capability: 'command.execute', status: 'succeeded', targets: ['localhost'], nodes: ['localhost'], params: {},
    provider: 'ssh', timeoutSeconds: 60, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, reason: null,
    idempotencyKey: null, requestHash: null, principal: 'test', correlationId: 'c1',
  });
  for (let i = 0; i < 400; i++) store.appendEvent(row.id, 'stdout', { target: 'localhost', line: `line ${i} ${'x'.repeat(200)}` });
  return store;
}

async function expectRefusal(t: Test, dir: string, file: string, what: RegExp): Promise<void> {
  const r = await runServerToExit({}, dir);
  t.equal(r.exitCode, 2, 'exit status 2');
  const printed = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.trim());
  t.equal(printed.length, 1, `one line (got: ${printed.join(' | ')})`);
  t.ok(printed[0]?.includes(file), 'naming the file');
  t.match(printed[0], what);
  t.match(printed[0], /restore|move/i, 'saying what to do');
  t.notMatch(r.stderr, /^\s+at /m, 'no stack trace');
}

t.test('a corrupt database (not SQLite at all, or a damaged first page) stops the start with one line, exit 2', async (t) => {
  const garbage = tempDir();
  const file = join(garbage, 'capstan.db');
  writeFileSync(file, 'this is not a database\n'.repeat(400));
  await expectRefusal(t, garbage, file, /not an SQLite database/);

  const damaged = tempDir();
  storeWithHistory(damaged).close();
  const db = join(damaged, 'capstan.db');
  const bytes = readFileSync(db);
  bytes.fill(0xff, 100, 4096);
  writeFileSync(db, bytes);
  await expectRefusal(t, damaged, db, /is corrupt/);
});

t.test('a truncated database stops the start with one line, exit 2', async (t) => {
  const dir = tempDir();
  storeWithHistory(dir).close();
  const file = join(dir, 'capstan.db');
  const size = statSync(file).size;
  truncateSync(file, Math.floor(size / 2 / 4096) * 4096);
  await expectRefusal(t, dir, file, /is truncated/);
});

t.test('a database deleted while its WAL remains is reported, not replaced by an empty history', async (t) => {
  const source = tempDir();
  const store = storeWithHistory(source);
  const dir = tempDir();
  // The state a deleted database leaves: its log (with the history not yet checkpointed), no database.
  copyFileSync(join(source, 'capstan.db-wal'), join(dir, 'capstan.db-wal'));
  store.close();
  const file = join(dir, 'capstan.db');
  await expectRefusal(t, dir, file, /is missing but its write-ahead log .*capstan\.db-wal is still there/);
  t.notOk(existsSync(file), 'no new empty database was created');
});

t.test('buildApp throws the typed error (the server maps it to exit 2)', async (t) => {
  const dir = tempDir();
  writeFileSync(join(dir, 'capstan.db'), 'garbage'.repeat(100));
  await t.rejects(buildApp(testConfig(dir)), { code: 'CAPSTAN_ERR_STORE_DATA_UNUSABLE' });
});
