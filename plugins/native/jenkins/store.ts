/**
 * The deployments Capstan triggered through Jenkins, one small JSON file under the data dir
 * (`<dataDir>/jenkins/deployments.json`): their targets and execution, so deploy.status and deploy.history
 * (filtered by node) can answer with them. Bounded to the latest MAX records; written atomically.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeploymentT } from './map.js';

const MAX = 2000;

export class DeploymentRecords {
  private readonly file: string;
  private cache?: Record<string, DeploymentT>;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'jenkins');
    this.file = join(dir, 'deployments.json');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private load(): Record<string, DeploymentT> {
    if (this.cache) return this.cache;
    try {
      this.cache = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, DeploymentT>;
    } catch {
      this.cache = {};
    }
    return this.cache;
  }

  get(id: string): DeploymentT | undefined {
    return this.load()[id];
  }

  /** Every record, newest first. */
  all(): DeploymentT[] {
    return Object.values(this.load()).sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id.localeCompare(a.id));
  }

  put(d: DeploymentT): void {
    const all = this.load();
    all[d.id] = d;
    const ids = Object.keys(all);
    if (ids.length > MAX) for (const old of this.all().slice(MAX)) delete all[old.id];
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(all), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
