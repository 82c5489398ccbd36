/**
 * Package contracts: install, remove and upgrade software with the target's package manager (apt, yum/dnf,
 * zypper, ...) as executions; list and search packages as queries.
 */
import { Type } from '@sinclair/typebox';
import { ExecutionResult, defineContract, limitParam, ref, stringEnum } from './common.js';
import { Package } from './records.js';

/** Package names as apt and rpm allow them; never starting with `-` so they cannot become options. */
const PACKAGE_NAME = { minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_][A-Za-z0-9._+:~@-]*$' };

/** A package and, optionally, the version wanted. */
export const PackageSpec = Type.Object({
  name: Type.String({ ...PACKAGE_NAME, description: 'Package name.' }),
  version: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9_][A-Za-z0-9._+:~-]*$', description: 'Exact version; default: the candidate (latest) version.' })),
}, {
  $id: 'PackageSpec',
  additionalProperties: false,
  description: 'A package and, optionally, the exact version wanted.',
  examples: [{ name: 'nginx' }, { name: 'openssl', version: '3.0.2-0ubuntu1.18' }],
});

const manager = () => Type.Optional(Type.String({
  minLength: 1,
  maxLength: 32,
  pattern: '^[a-z][a-z0-9-]*$',
  description: 'Package manager to use (apt, dnf, yum, zypper, ...); default: detected on each target.',
}));

export const PackageInstallParams = Type.Object({
  packages: Type.Array(ref(PackageSpec), { minItems: 1, maxItems: 500 }),
  manager: manager(),
  refresh: Type.Optional(Type.Boolean({ default: false, description: 'Refresh the package index first (apt-get update, dnf makecache).' })),
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
  PackageSpec, PackageInstallParams, PackageUninstallParams, PackageUpdateParams,
  PackageListParams, PackageListResult, PackageSearchParams, PackageSearchResult,
];
