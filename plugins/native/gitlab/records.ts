/**
 * Deployments Capstan started, kept in `<dataDir>/gitlab/deployments.json` (newest last, at most 1000): their
 * targets, execution, application, environment and version, which GitLab does not know. deploy.status answers
 * with them, and deploy.history filters by node through them.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunRecord {
  /** The Deployment id (gitlab.<project id>.p<pipeline> or .j<job>). */
  id: string;
  /** GitLab's numeric project id (as a string), or the project path when the id is unknown. */
  project: string;
  pipelineId?: number;
  jobId?: number;
  /** GitLab's deployment the run's deploy job made (the Deployment's id then; `id` stays an alias). */
  deployment?: number;
  application: string;
  environment: string;
  version: string;
  targets: string[];
  executionId?: string;
  previousVersion?: string;
  initiatedBy?: string;
  startedAt: string;
  /** Last known Deployment fields once the run ended. */
  status?: string;
  toolStatus?: string;
  finishedAt?: string;
  url?: string;
}

const MAX = 1000;

export class RunRecords {
  private readonly file: string;
  private cache: RunRecord[] | null = null;

  constructor(dataDir: string) {
    const dir = join(dataDir, 'gitlab');
    this.file = join(dir, 'deployments.json');
    mkdirSync(dir, { recursive: true });
  }

  all(): RunRecord[] {
    if (this.cache) return this.cache;
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as unknown;
      this.cache = Array.isArray(parsed) ? parsed as RunRecord[] : [];
    } catch {
      this.cache = [];
    }
    return this.cache;
  }

  get(id: string): RunRecord | undefined {
    return this.all().find((r) => r.id === id);
  }

  /** The record of a run whose deploy job made GitLab deployment `n` of `project`. */
  byDeployment(project: string, n: number): RunRecord | undefined {
    return this.all().find((r) => r.project === project && r.deployment === n);
  }

  byPipeline(project: string, pipelineId: number): RunRecord | undefined {
    return this.all().find((r) => r.project === project && r.pipelineId === pipelineId);
  }

  byJob(project: string, jobId: number): RunRecord | undefined {
    return this.all().find((r) => r.project === project && r.jobId === jobId);
  }

  put(rec: RunRecord): void {
    const list = this.all().filter((r) => r.id !== rec.id);
    list.push(rec);
    this.cache = list.slice(-MAX);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.cache, null, 1), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
