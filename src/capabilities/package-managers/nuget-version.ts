/**
 * NuGet's version order, which Chocolatey's package versions follow (NuGet's "Package versioning" rules,
 * https://learn.microsoft.com/en-us/nuget/concepts/package-versioning, and SemVer 2.0.0 §11,
 * https://semver.org/#spec-item-11):
 *   - `Major.Minor[.Patch[.Revision]]`, each compared as a number; a missing part is 0 (`1.2` = `1.2.0.0`);
 *   - a version without a pre-release label is above the same version with one (`1.2.0-beta1` < `1.2.0`);
 *   - pre-release labels are compared by their `.`-separated identifiers, in turn: two numeric ones as
 *     numbers, a numeric one below an alphanumeric one, alphanumeric ones ordinally without regard to case
 *     (`alpha` < `Beta` < `beta.2` < `beta.11` < `rc`); a label that is a prefix of another is below it;
 *   - `+metadata` is ignored.
 *
 * Pure (no I/O).
 */
import { compareVersions } from './common.js';

interface NuGetVersion {
  release: bigint[];
  pre: string[];
}

/** `1.2.3.4-beta.1+abc` as its parts; undefined for a string that is not a NuGet version. */
export function parseNuGetVersion(v: string): NuGetVersion | undefined {
  const m = /^(\d+(?:\.\d+){0,3})(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z.-]*)?$/.exec(v.trim());
  if (!m) return undefined;
  const release = m[1].split('.').map((x) => BigInt(x));
  while (release.length < 4) release.push(0n);
  return { release, pre: m[2] ? m[2].split('.') : [] };
}

function compareIdentifier(a: string, b: string): number {
  const an = /^\d+$/.test(a);
  const bn = /^\d+$/.test(b);
  if (an && bn) {
    const d = BigInt(a) - BigInt(b);
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  }
  if (an !== bn) return an ? -1 : 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

/**
 * Compares two NuGet versions (negative, 0, positive). Strings that are not NuGet versions fall back to
 * compareVersions (rpm-like runs of digits and letters), so that no input throws.
 */
export function compareNuGetVersions(a: string, b: string): number {
  const x = parseNuGetVersion(a);
  const y = parseNuGetVersion(b);
  if (!x || !y) return compareVersions(a, b);
  for (let i = 0; i < 4; i++) {
    if (x.release[i] !== y.release[i]) return x.release[i] < y.release[i] ? -1 : 1;
  }
  if (!x.pre.length || !y.pre.length) return x.pre.length === y.pre.length ? 0 : x.pre.length ? -1 : 1;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const d = compareIdentifier(x.pre[i], y.pre[i]);
    if (d !== 0) return d;
  }
  return x.pre.length - y.pre.length;
}
