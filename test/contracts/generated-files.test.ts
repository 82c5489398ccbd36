/** Generated files are committed and must equal what the code generates now. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { renderErrorsDoc } from '../../src/core/errors-doc.js';
import { EXECUTION_STATUSES } from '../../src/execution/states.js';
import { generateOpenApi, serialize } from '../../src/openapi/generate.js';
import { MIGRATIONS_DIR } from '../../src/store/sqlite/migrate.js';

const ROOT = join(import.meta.dirname, '..', '..');

t.test('openapi/openapi.json is up to date (npm run openapi)', async (t) => {
  const committed = readFileSync(join(ROOT, 'openapi', 'openapi.json'), 'utf8');
  t.equal(committed, serialize(await generateOpenApi()), 'regenerate with npm run openapi');
});

t.test('docs/errors.md is up to date (npm run errors-doc)', async (t) => {
  t.equal(readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8'), renderErrorsDoc());
});

t.test('the executions status CHECK lists exactly EXECUTION_STATUSES', async (t) => {
  const sql = readFileSync(join(MIGRATIONS_DIR, '0001-initial.sql'), 'utf8');
  const m = /status\s+TEXT NOT NULL CHECK \(status IN \(([^)]*)\)\)/.exec(sql);
  t.ok(m, 'CHECK found');
  t.same(m![1].split(',').map((s) => s.trim().replace(/'/g, '')), [...EXECUTION_STATUSES]);
});
