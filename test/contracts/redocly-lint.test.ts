/** openapi/openapi.json passes `redocly lint` with no errors (warnings are allowed). */
import { join } from 'node:path';
import t from 'tap';
import { execa } from 'execa';

const ROOT = join(import.meta.dirname, '..', '..');

t.test('redocly lint reports no errors', async (t) => {
  const r = await execa('npx', ['--no-install', 'redocly', 'lint', '--format', 'json', 'openapi/openapi.json'], {
    cwd: ROOT, reject: false, env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, timeout: 120_000,
  });
  const report = JSON.parse(r.stdout) as { totals: { errors: number; warnings: number }; problems: { severity: string; message: string; ruleId: string }[] };
  const errors = report.problems.filter((p) => p.severity === 'error');
  t.same(errors.map((e) => `${e.ruleId}: ${e.message}`), [], 'no lint errors');
  t.equal(report.totals.errors, 0);
  t.equal(r.exitCode, 0);
});
