/**
 * Runs Capstan started, kept in `<dataDir>/github-actions/runs.json` (the newest 2000): what GitHub does not
 * keep for them (the targets, the execution, the application/environment/version asked) so deploy.status
 * answers with them and deploy.history can filter by node.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunRecord {
  repo: string;
  runId: number;
  /** The GitHub deployment the run created (its id is the Deployment's id; run-<runId> stays an alias). */
  deploymentId?: number;
  application: string;
  environment: string;
  version: string;
  previousVersion?: string;
  targets: string[];
  executionId?: string;
  startedAt: string;
  url?: string;
}

const KEEP = 2000;

export class RunStore {
  private readonly file: string;
  private runs: RunRecord[] | undefined;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'github-actions');
    this.file = join(dir, 'runs.json');
    mkdirSync(dir, { recursive: true });
  }

  all(): RunRecord[] {
    if (!this.runs) {
      try {
        const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
        this.runs = Array.isArray(parsed) ? parsed as RunRecord[] : [];
      } catch {
        this.runs = [];
      }
    }
    return this.runs;
  }

  find(repo: string, runId: number): RunRecord | undefined {
    return this.all().find((r) => r.runId === runId && r.repo.toLowerCase() === repo.toLowerCase());
  }

  byDeployment(repo: string, deploymentId: number): RunRecord | undefined {
    return this.all().find((r) => r.deploymentId === deploymentId && r.repo.toLowerCase() === repo.toLowerCase());
  }

  save(rec: RunRecord): void {
    const rest = this.all().filter((r) => !(r.runId === rec.runId && r.repo === rec.repo));
    this.runs = [rec, ...rest].slice(0, KEEP);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.runs), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
