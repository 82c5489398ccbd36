/**
 * The Puppet testbed as tests see it: the env file scripts/testbed/puppet-up.sh writes, named by
 * CAPSTAN_TEST_PUPPET_ENV (.ci/run sets it). Without the variable, tests that need the stack skip and say why;
 * with it, an unreadable file or a stack that does not answer is a failure, never a skip.
 */
import { readFileSync } from 'node:fs';

export interface PuppetTestbed {
  /** The env file read. */
  file: string;
  vars: Record<string, string>;
  serverUrl: string;
  puppetdbUrl: string;
  ca: string;
  cert: string;
  key: string;
  nodes: string[];
  failingNode: string;
  environments: string[];
  /** Whether POST /puppet/v4/catalog is allowed for the admin certificate (the shared dev stack denies it). */
  catalogV4: boolean;
  /** Whether every CSR is signed at once (`true`), or only the testbed's nodes (`policy`). */
  autosign: 'true' | 'policy';
}

export const PUPPET_ENV_VAR = 'CAPSTAN_TEST_PUPPET_ENV';

/** Why Puppet tests skip, or false when the env file is named (then puppetTestbed() must succeed). */
export function puppetTestbedSkipReason(): string | false {
  return process.env[PUPPET_ENV_VAR]
    ? false
    : `${PUPPET_ENV_VAR} is not set: start scripts/testbed/puppet-up.sh (as root) and set it to $PST/capstan-test.env (.ci/run does both)`;
}

/** Parses KEY=value lines (optionally double-quoted values; # comments). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) throw new Error(`not a KEY=value line: ${line}`);
    out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** Reads the env file named by CAPSTAN_TEST_PUPPET_ENV; throws (the test fails) when it is unusable. */
export function puppetTestbed(): PuppetTestbed {
  const file = process.env[PUPPET_ENV_VAR];
  if (!file) throw new Error(`${PUPPET_ENV_VAR} is not set`);
  const vars = parseEnvFile(readFileSync(file, 'utf8'));
  const need = (k: string) => {
    if (!vars[k]) throw new Error(`${file} has no ${k}`);
    return vars[k];
  };
  return {
    file, vars,
    serverUrl: need('PUPPETSERVER_URL'), puppetdbUrl: need('PUPPETDB_URL'),
    ca: need('PUPPET_CA'), cert: need('PUPPET_CERT'), key: need('PUPPET_KEY'),
    nodes: need('PUPPET_NODES').split(/\s+/).filter(Boolean),
    failingNode: need('PUPPET_FAILING_NODE'),
    environments: need('PUPPET_ENVIRONMENTS').split(/\s+/).filter(Boolean),
    catalogV4: (vars.PUPPETSERVER_CATALOG_V4 ?? 'allowed') === 'allowed',
    autosign: vars.PUPPET_AUTOSIGN === 'policy' ? 'policy' : 'true',
  };
}
