/**
 * Package contracts: install, remove and upgrade software with the target's package manager (apt, dnf, yum,
 * zypper, apk, Chocolatey) as executions, each target's result carrying what changed (PackageRunResult as
 * its `value`); list and search packages as queries.
 */
import { Type } from '@sinclair/typebox';
import { ExecutionResult, defineContract, limitParam, ref, stringEnum } from './common.js';
import { runAs } from './execution.js';
import { Package } from './records.js';

/**
 * File name endings the managers read as a local file to install instead of a package name (dnf, yum and
 * zypper `.rpm`, apt `.deb`, apk `.apk`, Chocolatey `.nupkg` / `.nuspec` / `packages.config`, Windows
 * installers), in any case.
 */
const FILE_ENDINGS = ['rpm', 'deb', 'apk', 'nupkg', 'nuspec', 'config', 'msi', 'exe'];

/** `rpm` as `[Rr][Pp][Mm]`: JSON Schema patterns have no case-insensitive flag. */
const anyCase = (word: string) => [...word].map((c) => `[${c.toUpperCase()}${c}]`).join('');

/**
 * Package names as apt and rpm allow them: never starting with `-` (it would be an option), never ending in `-`,
 * `.`, `:` or `@` (apt-get reads an unknown name ending in `-` as "remove it"), never a package file's name
 * (FILE_ENDINGS: the manager would install that file from the target's working directory), never `all` in any
 * case (`choco uninstall all` removes every package).
 */
const PACKAGE_NAME = {
  minLength: 1,
  maxLength: 255,
  pattern: `^(?!${anyCase('all')}$)(?!.*\\.(?:${FILE_ENDINGS.map(anyCase).join('|')})$)[A-Za-z0-9_](?:[A-Za-z0-9._+:~@-]*[A-Za-z0-9_+~])?$`,
};

/** A package and, optionally, the version wanted. */
export const PackageSpec = Type.Object({
  name: Type.String({ ...PACKAGE_NAME, description: 'Package name (a package of the repositories: never a file such as `x.rpm`, `x.deb`, `x.nupkg` or `packages.config`, never `all`, which Chocolatey reads as every package). apt takes `name:arch`, dnf/yum/zypper `name.arch`.' }),
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_](?:[A-Za-z0-9._+:~-]*[A-Za-z0-9_+~])?$', description: 'Exact version (never ending in `-`, `.` or `:`); default: the candidate (latest) version.' })),
}, {
  $id: 'PackageSpec',
  additionalProperties: false,
  description: 'A package and, optionally, the exact version wanted.',
  examples: [{ name: 'nginx' }, { name: 'openssl', version: '3.0.2-0ubuntu1.18' }],
});

const MANAGERS = ['apt', 'dnf', 'yum', 'zypper', 'apk', 'chocolatey'] as const;

const manager = () => Type.Optional(stringEnum(MANAGERS, {
  description: 'Package manager to use; default: detected on each target from its facts (os.family), else from what is installed.',
}));

const dryRun = () => Type.Optional(Type.Boolean({
  default: false,
  description: 'Only say what would be done (apt-get -s, dnf/yum --assumeno, zypper --dry-run, apk --simulate, choco --noop): nothing changes; each change\'s action is what would happen.',
}));

/** What happened to one package on one target (or, in a dry run, what would). */
export const PackageChange = Type.Object({
  name: Type.String(),
  arch: Type.Optional(Type.String({ description: 'amd64, x86_64, noarch, all, ...' })),
  versionBefore: Type.Union([Type.String(), Type.Null()], { description: 'Installed version before the run; null: not installed.' }),
  versionAfter: Type.Union([Type.String(), Type.Null()], { description: 'Installed version after the run (dry run: the version that would be); null: not installed.' }),
  action: stringEnum(['installed', 'upgraded', 'downgraded', 'removed', 'current', 'not_found', 'held', 'failed'], {
    description: 'installed, upgraded, downgraded, removed; current: already as asked, nothing done; not_found: no such package (or version) in the repositories or, to remove, not installed; held: kept back (apt hold, versionlock); failed: the manager failed on it.',
  }),
  message: Type.Optional(Type.String({ maxLength: 4000, description: 'The manager\'s own line(s) about this package.' })),
}, {
  $id: 'PackageChange',
  additionalProperties: false,
  description: 'One package on one target: versions before and after, and what was done.',
  examples: [{ name: 'tb-demo', arch: 'all', versionBefore: '1.0', versionAfter: '1.1', action: 'upgraded', message: 'Unpacking tb-demo (1.1) over (1.0) ...' }],
});

/** The `value` of each target's result of package.install / uninstall / update. */
export const PackageRunResult = Type.Object({
  manager: stringEnum(MANAGERS),
  dryRun: Type.Boolean(),
  changes: Type.Array(ref(PackageChange), { description: 'The packages asked for first, in the request\'s order, then any other package the manager changed (dependencies, update-all).' }),
  lockWaits: Type.Array(Type.String(), { description: 'Each time the package database was locked by another process (who held it), before the run could go on.' }),
}, {
  $id: 'PackageRunResult',
  additionalProperties: false,
  description: 'What a package run did on one target (the `value` of its TargetResult).',
  examples: [{ manager: 'apt', dryRun: false, changes: [(PackageChange.examples as unknown[])[0]], lockWaits: [] }],
});

export const PackageInstallParams = Type.Object({
  packages: Type.Array(ref(PackageSpec), { minItems: 1, maxItems: 500 }),
  manager: manager(),
  refresh: Type.Optional(Type.Boolean({ default: false, description: 'Refresh the package index first (apt-get update, dnf makecache).' })),
  dryRun: dryRun(),
  runAs: runAs(),
}, {
  $id: 'PackageInstallParams',
  additionalProperties: false,
  description: 'Packages to install on every target.',
  examples: [{ packages: [{ name: 'nginx' }, { name: 'curl', version: '7.81.0-1ubuntu1.16' }], refresh: true }],
});

export const PackageUninstallParams = Type.Object({
  packages: Type.Array(Type.String({ ...PACKAGE_NAME }), { minItems: 1, maxItems: 500, description: 'Names of the packages to remove.' }),
  purge: Type.Optional(Type.Boolean({ default: false, description: 'Also remove configuration files (apt purge).' })),
  manager: manager(),
  dryRun: dryRun(),
  runAs: runAs(),
}, {
  $id: 'PackageUninstallParams',
  additionalProperties: false,
  description: 'Packages to remove from every target.',
  examples: [{ packages: ['telnet'], purge: true }],
});

export const PackageUpdateParams = Type.Object({
  packages: Type.Optional(Type.Array(ref(PackageSpec), { minItems: 1, maxItems: 500, description: 'Packages to upgrade; omitted: upgrade every upgradable package.' })),
  securityOnly: Type.Optional(Type.Boolean({ default: false, description: 'Only apply security updates.' })),
  manager: manager(),
  refresh: Type.Optional(Type.Boolean({ default: true, description: 'Refresh the package index first.' })),
  dryRun: dryRun(),
  runAs: runAs(),
}, {
  $id: 'PackageUpdateParams',
  additionalProperties: false,
  description: 'Packages to upgrade on every target.',
  examples: [{ packages: [{ name: 'openssl' }] }, { securityOnly: true }],
});

export const PackageListParams = Type.Object({
  node: Type.String({ minLength: 1, maxLength: 255, description: 'Node name.' }),
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'Glob on the package name, e.g. `openssl*`.' })),
  status: Type.Optional(stringEnum(['installed', 'upgradable'])),
}, {
  $id: 'PackageListParams',
  additionalProperties: false,
  description: 'Whose packages to list, optionally filtered.',
  examples: [{ node: 'web1.example.com' }, { node: 'web1.example.com', status: 'upgradable' }],
});

export const PackageListResult = Type.Object({
  node: Type.String(),
  packages: Type.Array(ref(Package)),
}, {
  $id: 'PackageListResult',
  description: 'The packages installed on a node.',
  examples: [{
    node: 'web1.example.com',
    packages: [{ name: 'nginx', version: '1.18.0-6ubuntu14.4', architecture: 'amd64', status: 'installed', source: 'puppetdb' }],
  }],
});

export const PackageSearchParams = Type.Object({
  query: Type.String({ minLength: 1, maxLength: 255, description: 'Words or a glob matched against package names (and descriptions where the manager supports it).' }),
  node: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "Search this node's configured repositories." })),
  limit: limitParam(),
}, {
  $id: 'PackageSearchParams',
  additionalProperties: false,
  description: 'What to search the repositories for.',
  examples: [{ query: 'nginx' }, { query: 'python3-*', node: 'web1.example.com', limit: 20 }],
});

export const PackageSearchResult = Type.Object({
  packages: Type.Array(ref(Package)),
}, {
  $id: 'PackageSearchResult',
  description: 'Packages available from the repositories.',
  examples: [{
    packages: [{ name: 'nginx', version: '1.18.0-6ubuntu14.4', architecture: 'amd64', status: 'available', repository: 'jammy-updates', description: 'small, powerful, scalable web/proxy server', source: 'apt' }],
  }],
});

export const packageInstall = defineContract({
  name: 'package.install',
  description: 'Install packages (optionally pinned to versions) on the targets.',
  params: PackageInstallParams,
  result: ref(ExecutionResult),
  riskLevel: 'write',
  mode: 'execution',
});

export const packageUninstall = defineContract({
  name: 'package.uninstall',
  description: 'Remove packages from the targets, optionally purging their configuration.',
  params: PackageUninstallParams,
  result: ref(ExecutionResult),
  riskLevel: 'write',
  mode: 'execution',
});

export const packageUpdate = defineContract({
  name: 'package.update',
  description: 'Upgrade the given packages, or every upgradable package, on the targets.',
  params: PackageUpdateParams,
  result: ref(ExecutionResult),
  riskLevel: 'write',
  mode: 'execution',
});

export const packageList = defineContract({
  name: 'package.list',
  description: 'List the packages installed on a node, with upgradable versions where known.',
  params: PackageListParams,
  result: PackageListResult,
  riskLevel: 'read',
  mode: 'query',
});

export const packageSearch = defineContract({
  name: 'package.search',
  description: 'Search the package repositories for packages by name.',
  params: PackageSearchParams,
  result: PackageSearchResult,
  riskLevel: 'read',
  mode: 'query',
});

export const PACKAGE_CONTRACTS = [packageInstall, packageUninstall, packageUpdate, packageList, packageSearch];
export const PACKAGE_SCHEMAS = [
  PackageChange, PackageRunResult, PackageSpec, PackageInstallParams, PackageUninstallParams, PackageUpdateParams,
  PackageListParams, PackageListResult, PackageSearchParams, PackageSearchResult,
];
