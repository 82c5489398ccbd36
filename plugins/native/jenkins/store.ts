/**
 * The deployments Capstan triggered through Jenkins, one small JSON file under the data dir
 * (`<dataDir>/jenkins/deployments.json`): their targets and execution, so deploy.status and deploy.history
 * (filtered by node) can answer with them. Bounded to the latest MAX records; written atomically.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentT } from './map.js';

const MAX = 2000;

/** A stored record: the Deployment plus every execution that followed the build (Jenkins merges identical requests). */
type Stored = DeploymentT & { executionIds?: string[] };

const plain = (r: Stored | undefined): DeploymentT | undefined => {
  if (!r) return undefined;
  const { executionIds: _ids, ...d } = r;
  return d;
};

export class DeploymentRecords {
  private readonly file: string;
  private cache?: Record<string, Stored>;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'jenkins');
    this.file = join(dir, 'deployments.json');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private load(): Record<string, Stored> {
    if (this.cache) return this.cache;
    try {
      this.cache = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, Stored>;
    } catch {
      this.cache = {};
    }
    return this.cache;
  }

  get(id: string): DeploymentT | undefined {
    return plain(this.load()[id]);
  }

  /** Every execution that followed build `id`, first (the one that queued it, or the first to follow it) first. */
  executionIds(id: string): string[] {
    const r = this.load()[id];
    return r ? (r.executionIds ?? (r.executionId ? [r.executionId] : [])) : [];
  }

  /** Every record, newest first. */
  all(): DeploymentT[] {
    return this.sorted().map((r) => plain(r)!);
  }

  private sorted(): Stored[] {
    return Object.values(this.load()).sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id.localeCompare(a.id));
  }

  /**
   * Writes the record of build d.id. When several executions followed the same build, the first one's
   * executionId stays the record's (it does not flip to whichever wrote last); every one is kept in executionIds
   * (`follower`: the execution writing, when d.executionId names the one that queued the build).
   */
  put(d: DeploymentT, follower?: string): void {
    const all = this.load();
    const old = all[d.id];
    const ids = [...new Set([...(old ? this.executionIds(d.id) : []), ...(d.executionId ? [d.executionId] : []), ...(follower ? [follower] : [])])];
    const executionId = old?.executionId ?? d.executionId;
    const targets = [...new Set([...(old?.targets ?? []), ...d.targets])];
    all[d.id] = { ...d, targets, ...(executionId ? { executionId } : {}), ...(ids.length ? { executionIds: ids } : {}) };
    if (Object.keys(all).length > MAX) for (const gone of this.sorted().slice(MAX)) delete all[gone.id];
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
