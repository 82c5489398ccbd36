/**
 * StoreWriteGuard rules with writes that fail the way better-sqlite3 fails (an error with an SQLITE_* code):
 * held writes keep their order, an owner held past the grace is reported once, output can be dropped, a bug
 * (not an outage) is logged and never retried or thrown, and submits see StoreUnavailable with Retry-After.
 */
import pino from 'pino';
import t from 'tap';
import { StoreWriteGuard } from '../../src/store/write-guard.js';
import { until } from '../until.js';

const outage = (code: string) => Object.assign(new Error(code), { code });

t.test('held writes are written in order once the store accepts writes again; the failing owner is reported once', async (t) => {
  let down: string | undefined = 'SQLITE_BUSY';
  const written: string[] = [];
  const guard = new StoreWriteGuard(() => { if (down) throw outage(down); }, pino({ level: 'silent' }), { retryMinMs: 10, retryMaxMs: 20, graceMs: 50 });
  t.teardown(() => guard.close());
  const reported: string[] = [];
  guard.onOwnerFailed = (owner, cause) => reported.push(`${owner}: ${cause}`);
  const write = (owner: string, label: string, droppable = false) => guard.write({
    owner, bytes: 10, droppable, label, run: () => {
      if (down) throw outage(down);
      written.push(label);
    },
  });

  write('a', 'a1');
  t.match(guard.failure, { cause: 'database is locked by another process' });
  write('b', 'b1');
  write('a', 'a2', true);
  write('a', 'a3');
  t.throws(() => guard.assertWritable(), { code: 'CAPSTAN_ERR_STORE_UNAVAILABLE', retryAfter: 2, statusCode: 503 });
  await until('the owners held past the grace to be reported', () => reported.length === 2);
  t.same(reported.sort(), ['a: database is locked by another process', 'b: database is locked by another process']);
  t.equal(guard.dropHeld('a'), 1, 'only the droppable output of the owner is dropped');
  down = 'SQLITE_FULL';
  await until('the cause to follow the store', () => guard.failure?.cause === 'disk full');
  down = undefined;
  await until('the held writes to be written', () => guard.failure === null);
  t.same(written, ['a1', 'b1', 'a3'], 'in the order they were made');
  t.equal(guard.heldCount, 0);
  write('a', 'a4');
  t.same(written.at(-1), 'a4', 'written at once while the store is healthy');
  t.equal(reported.length, 2, 'nobody reported twice');
});

t.test('a failing write that is not an outage is logged, never thrown or retried; a failing submit starts the probe', async (t) => {
  let probes = 0;
  let down = true;
  const guard = new StoreWriteGuard(() => { probes++; if (down) throw outage('SQLITE_IOERR_WRITE'); }, pino({ level: 'silent' }), { retryMinMs: 10, retryMaxMs: 20 });
  t.teardown(() => guard.close());
  guard.write({ bytes: 1, label: 'bug', run: () => { throw outage('SQLITE_CONSTRAINT_PRIMARYKEY'); } });
  t.equal(guard.failure, null, 'a constraint error is no outage');
  const err = guard.translate(outage('SQLITE_IOERR_WRITE')) as { code: string; message: string };
  t.equal(err.code, 'CAPSTAN_ERR_STORE_UNAVAILABLE');
  t.match(err.message, /I\/O error \(SQLITE_IOERR_WRITE\)/);
  await until('the probe to run while nothing is held', () => probes >= 2);
  down = false;
  await until('the probe to find the store writable', () => guard.failure === null);
  const bug = new TypeError('not a store error');
  t.equal(guard.translate(bug), bug, 'other errors pass unchanged');
});

t.test('check() (readiness) probes an idle store at most once per interval', async (t) => {
  let probes = 0;
  let down = false;
  const guard = new StoreWriteGuard(() => { probes++; if (down) throw outage('SQLITE_FULL'); }, pino({ level: 'silent' }), { retryMinMs: 10, retryMaxMs: 20 });
  t.teardown(() => guard.close());
  t.equal(guard.check(), null);
  t.equal(guard.check(), null);
  t.equal(probes, 1, 'the second check within the interval does not write');
  down = true;
  t.match(guard.check(0), { cause: 'disk full' }, 'an idle store that cannot be written is reported');
  down = false;
  await until('the retry probe to clear the failure', () => guard.failure === null);
});
