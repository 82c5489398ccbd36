/**
 * Working copies: one per provisioned resource, `<dataDir>/terraform/<name>/`, a copy of the module the
 * request's template names, with its own state (`terraform.tfstate`), its variables (`capstan.tfvars.json`,
 * mode 0600: they may hold secrets, as the state itself does), a pending saved plan (`capstan.tfplan`) and
 * the plugin's record of the resource (`capstan.json`). Records survive restarts: they are the plugin's
 * inventory and what provision.status / decommission.status answer from.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangeSummary, PlannedChange } from './events.js';

/** A resource name as provision.create accepts it (a host name): never `..`, `/` or a leading dot. */
export const RESOURCE_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

export const VARS_FILE = 'capstan.tfvars.json';
export const PLAN_FILE = 'capstan.tfplan';
const RECORD_FILE = 'capstan.json';
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

  /** (Re)fills the working copy from the module: configuration replaced, state and our files kept. */
  prepare(name: string, moduleDir: string): string {
    const dir = this.dir(name);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of readdirSync(dir)) if (!KEPT.has(f)) rmSync(join(dir, f), { recursive: true, force: true });
    for (const f of readdirSync(moduleDir)) {
      if (KEPT.has(f)) continue;
      cpSync(join(moduleDir, f), join(dir, f), { recursive: true });
    }
    // The module's dependency lock file pins its providers: init must install those, not pick new ones.
    if (existsSync(join(moduleDir, LOCK_FILE))) cpSync(join(moduleDir, LOCK_FILE), join(dir, LOCK_FILE));
    return dir;
  }

  writeVars(name: string, vars: Record<string, unknown>): void {
    const file = join(this.dir(name), VARS_FILE);
    writeFileSync(file, JSON.stringify(vars, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }

  /** The variables of the last plan (capstan.tfvars.json), {} when there are none. */
  readVars(name: string): Record<string, unknown> {
    try {
      return JSON.parse(readFileSync(join(this.dir(name), VARS_FILE), 'utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  hasState(name: string): boolean {
    const f = join(this.dir(name), 'terraform.tfstate');
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


  dropVars(name: string): void {
    rmSync(join(this.dir(name), VARS_FILE), { force: true });
  }

  dropPlan(name: string): void {
    rmSync(join(this.dir(name), PLAN_FILE), { force: true });
  }
}

export const newPlanId = () => randomBytes(9).toString('base64url');
