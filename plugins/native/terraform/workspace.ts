/**
 * Working copies: one per provisioned resource, `<dataDir>/terraform/<name>/`. It holds the plugin's record of
 * the resource (`capstan.json`) and, under `module/`, a copy of what the request's template needs from the
 * module directory at the same relative places: the template's directory and every local module source it
 * reaches (`../shared/net`, local-modules.ts), so relative sources resolve as they do in the module directory.
 * Terraform runs in `module/<template>/`, which keeps the resource's own state (`terraform.tfstate`), its
 * variables (`capstan.tfvars.json`, mode 0600: they may hold secrets, as the state itself does) and a pending
 * saved plan (`capstan.tfplan`). Records survive restarts: they are the plugin's inventory and what
 * provision.status / decommission.status answer from.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, normalize } from 'node:path';
import { Errors } from '../../../src/core/errors.js';
import { localModuleDirs } from './local-modules.js';
import type { ChangeSummary, PlannedChange } from './events.js';

/** A resource name as provision.create accepts it (a host name): never `..`, `/` or a leading dot. */
export const RESOURCE_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export const VARS_FILE = 'capstan.tfvars.json';
export const PLAN_FILE = 'capstan.tfplan';
const RECORD_FILE = 'capstan.json';
/** The copy of the module directory's needed parts, inside a working copy. */
const MIRROR = 'module';
/** Where Terraform's files and ours wait while the mirror is refilled (a crash in between leaves them here). */
const HELD = '.held';
/** Terraform's dependency lock file: the module's own, copied at each plan (init may add to the working copy's). */
const LOCK_FILE = '.terraform.lock.hcl';

/** Files of a working copy that are Terraform's or ours, never configuration copied from the module. */
const KEPT = new Set(['.terraform', 'terraform.tfstate', 'terraform.tfstate.backup', '.terraform.tfstate.lock.info', 'terraform.tfstate.d', '.terraform.lock.hcl', VARS_FILE, PLAN_FILE, RECORD_FILE]);

export interface PendingPlan extends ChangeSummary {
  id: string;
  createdAt: string;
  executionId?: string;
  changes: PlannedChange[];
  /** Hash of template + variables the plan was made with. */
  inputs: string;
}

export interface ResourceRecord {
  name: string;
  template: string;
  /** pending: planned, not applied; running: applied; failed: the last apply or destroy failed; destroyed. */
  status: 'pending' | 'running' | 'failed' | 'destroyed';
  /** In the inventory (false after `deregister`, a destroy, or before anything was created). */
  registered: boolean;
  node: string;
  /** The groups the last provision.create asked for (the node's groups are these plus a `groups` output). */
  requestedGroups?: string[];
  address?: string;
  transport?: string;
  groups: string[];
  /** Outputs as attributes (sensitive values `***`). */
  attributes: Record<string, unknown>;
  /** Address and id of the main resource (the first managed resource of the state). */
  resourceId?: string;
  resourceType?: string;
  createdAt: string;
  updatedAt: string;
  plan?: PendingPlan;
  detail?: string;
  lastExecutionId?: string;
  /** An apply or destroy under way (written before it starts): found at start, it was cut by a server stop. */
  inFlight?: { step: 'apply' | 'destroy'; executionId?: string; since: string };
  /** Names of the variables whose values are secrets (secretVariables, secret-named variables): what is stored is masked with their values. */
  secretNames?: string[];
}

export class Workspaces {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'terraform');
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  dir(name: string): string {
    return join(this.root, name);
  }

  /** The directory Terraform runs in for this resource: the template's place inside the mirror. */
  workdir(name: string, template: string): string {
    return join(this.dir(name), MIRROR, normalize(template));
  }

  /**
   * (Re)fills the working copy from the module directory: the mirror's configuration replaced, state and our
   * files kept (moved aside while the mirror is rebuilt). Returns the directory Terraform runs in.
   */
  prepare(name: string, moduleRoot: string, template: string): string {
    const work = this.workdir(name, template);
    const held = join(this.dir(name), HELD);
    this.restore(name, template);
    if (existsSync(held)) {
      throw new Errors.Internal(`the working copy of '${name}' holds files that could not be put back (${readdirSync(held).join(', ')} in ${HELD}/): compare them with those in module/${template}/ and keep the right ones before planning again`);
    }
    mkdirSync(held, { recursive: true, mode: 0o700 });
    if (existsSync(work)) for (const f of readdirSync(work)) if (KEPT.has(f)) renameSync(join(work, f), join(held, f));
    const mirror = join(this.dir(name), MIRROR);
    rmSync(mirror, { recursive: true, force: true });
    for (const rel of localModuleDirs(moduleRoot, template).dirs) {
      const from = join(moduleRoot, rel);
      // Never a state, a .terraform or our files of someone's run in the module directory itself; symbolic
      // links copied as what they point to, so nothing Terraform writes here lands in the module directory.
      // Nor the working copies themselves, should the data directory lie inside the module directory.
      copyTree(from, join(mirror, rel), (src) => !(KEPT.has(basename(src)) || basename(src) === '.git' || src === this.root));
    }
    this.restore(name, template);
    // The module's dependency lock file pins its providers: init must install those, not pick new ones.
    const lock = join(moduleRoot, normalize(template), LOCK_FILE);
    if (existsSync(lock)) cpSync(lock, join(work, LOCK_FILE));
    return work;
  }

  /**
   * Puts Terraform's files and ours where Terraform runs: those held aside by a refill that did not finish, and
   * those of a working copy made before the mirror (its state directly in `<name>/`).
   */
  private restore(name: string, template: string): void {
    const work = this.workdir(name, template);
    for (const from of [join(this.dir(name), HELD), this.dir(name)]) {
      if (!existsSync(from)) continue;
      for (const f of readdirSync(from)) {
        if (!KEPT.has(f) || f === RECORD_FILE) continue;
        mkdirSync(work, { recursive: true, mode: 0o700 });
        if (!existsSync(join(work, f))) renameSync(join(from, f), join(work, f));
      }
    }
    // Removed only when empty: a file that could not go back (its place taken) is never deleted.
    const held = join(this.dir(name), HELD);
    if (existsSync(held) && readdirSync(held).length === 0) rmSync(held, { recursive: true, force: true });
  }

  writeVars(name: string, template: string, vars: Record<string, unknown>): void {
    const file = join(this.workdir(name, template), VARS_FILE);
    writeFileSync(file, JSON.stringify(vars, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }

  /** The variables of the last plan (capstan.tfvars.json), {} when there are none. */
  readVars(name: string, template: string): Record<string, unknown> {
    try {
      return JSON.parse(readFileSync(join(this.workdir(name, template), VARS_FILE), 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  hasState(name: string, template: string): boolean {
    const f = join(this.workdir(name, template), 'terraform.tfstate');
    if (!existsSync(f)) return false;
    try {
      const st = JSON.parse(readFileSync(f, 'utf8')) as { resources?: unknown[] };
      return (st.resources ?? []).length > 0;
    } catch {
      return true;
    }
  }

  read(name: string): ResourceRecord | undefined {
    // Names come from requests (a status read's id): only a resource name may name a directory here.
    if (!RESOURCE_NAME.test(name)) return undefined;
    const f = join(this.dir(name), RECORD_FILE);
    if (!existsSync(f)) return undefined;
    try {
      const rec = JSON.parse(readFileSync(f, 'utf8')) as ResourceRecord;
      this.restore(rec.name, rec.template);
      // A node is named as its resource (inventory.ts nodeFromOutputs), records written before that included.
      return { ...rec, node: rec.name };
    } catch {
      return undefined;
    }
  }

  write(rec: ResourceRecord): void {
    const dir = this.dir(rec.name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Whole or not at all: a crash mid-write must not lose the record.
    const tmp = join(dir, `${RECORD_FILE}.${process.pid}.tmp`);
    writeFileSync(tmp, JSON.stringify(rec, null, 2), { mode: 0o600 });
    renameSync(tmp, join(dir, RECORD_FILE));
  }

  all(): ResourceRecord[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root).map((n) => this.read(n)).filter((r): r is ResourceRecord => r !== undefined).sort((a, b) => a.name.localeCompare(b.name));
  }


  dropVars(name: string, template: string): void {
    rmSync(join(this.workdir(name, template), VARS_FILE), { force: true });
  }

  dropPlan(name: string, template: string): void {
    rmSync(join(this.workdir(name, template), PLAN_FILE), { force: true });
  }
}

/**
 * Copies a directory's tree, symbolic links as what they point to, skipping what `keep` refuses (and what is
 * under it). Entry by entry: node's cpSync refuses a destination inside its source outright.
 */
function copyTree(from: string, to: string, keep: (src: string) => boolean): void {
  mkdirSync(to, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(from)) {
    const src = join(from, name);
    if (!keep(src)) continue;
    const st = statSync(src);
    if (st.isDirectory()) copyTree(src, join(to, name), keep);
    else if (st.isFile()) copyFileSync(src, join(to, name));
  }
}

export const newPlanId = () => randomBytes(9).toString('base64url');
