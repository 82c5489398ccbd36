/**
 * NuGet's version order (src/capabilities/package-managers/nuget-version.ts), on the examples of NuGet's
 * "Package versioning" page and SemVer 2.0.0 §11 (https://semver.org/#spec-item-11).
 */
import t from 'tap';
import { compareNuGetVersions as cmp, parseNuGetVersion } from '../../src/capabilities/package-managers/nuget-version.js';

t.test('SemVer 2 §11 precedence chain', async (t) => {
  const chain = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0'];
  for (let i = 0; i + 1 < chain.length; i++) {
    t.ok(cmp(chain[i], chain[i + 1]) < 0, `${chain[i]} < ${chain[i + 1]}`);
    t.ok(cmp(chain[i + 1], chain[i]) > 0, `${chain[i + 1]} > ${chain[i]}`);
  }
});

t.test('pre-release below release; numeric vs alphanumeric labels; case; metadata; four parts', async (t) => {
  t.ok(cmp('1.2.0-beta1', '1.2.0') < 0, '1.2.0-beta1 < 1.2.0 (rpm-like order has it the other way)');
  t.ok(cmp('1.2.0-alpha', '1.2.0-beta') < 0);
  t.ok(cmp('1.0.0-1', '1.0.0-a') < 0, 'a numeric identifier is below an alphanumeric one');
  t.ok(cmp('1.0.0-2', '1.0.0-10') < 0, 'numeric identifiers as numbers');
  t.equal(cmp('1.0.0-BETA', '1.0.0-beta'), 0, 'labels compare without regard to case');
  t.equal(cmp('1.0.0+abc', '1.0.0+def'), 0, 'metadata is ignored');
  t.equal(cmp('1.0.0-rc.1+build.5', '1.0.0-rc.1'), 0);
  t.equal(cmp('1.2', '1.2.0.0'), 0, 'missing parts are 0');
  t.ok(cmp('1.2.3.4', '1.2.3') > 0, 'a revision above none');
  t.ok(cmp('1.2.3.4', '1.2.3.10') < 0);
  t.ok(cmp('10.0.0', '9.9.9.9') > 0);
  t.ok(cmp('2.43.0', '2.43.0-rc1') > 0);
  t.same(parseNuGetVersion('1.2.3.4-beta.1+abc'), { release: [1n, 2n, 3n, 4n], pre: ['beta', '1'] });
  t.equal(parseNuGetVersion('not a version'), undefined);
  t.ok(cmp('abc', 'abd') < 0, 'not NuGet versions: the rpm-like order, no throw');
});
