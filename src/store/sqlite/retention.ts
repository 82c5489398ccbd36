/**
 * SQLite side of retention (issue 17): the output (events), per-target results and process records of terminal
 * runs that finished before a time are deleted in bounded batches; the execution row stays, marked `pruned_at`
 * (migration 0010), and so does its journal line.
 */
import type Database from 'better-sqlite3';
import { TERMINAL_STATUSES } from '../../execution/states.js';
import type { PruneResult } from '../types.js';

export class SqliteRetention {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    const terminal = TERMINAL_STATUSES.map((s) => `'${s}'`).join(',');
    this.stmts = {
      // The partial index executions_prunable: oldest finished first, never a queued or running run.
      next: db.prepare(`SELECT id FROM executions WHERE pruned_at IS NULL AND finished_at IS NOT NULL AND finished_at < ?
        AND status IN (${terminal}) ORDER BY finished_at LIMIT 1`).pluck(),
      events: db.prepare(`DELETE FROM execution_events WHERE execution_id = ? AND seq IN
        (SELECT seq FROM execution_events WHERE execution_id = ? ORDER BY seq LIMIT ?)`),
      results: db.prepare('DELETE FROM target_results WHERE execution_id = ?'),
      processes: db.prepare('DELETE FROM execution_processes WHERE execution_id = ?'),
      mark: db.prepare('UPDATE executions SET pruned_at = ? WHERE id = ?'),
    };
  }

  /**
   * One transaction of at most about `batch` row changes: deletes the output of the oldest prunable runs, and
   * once a run has none left, its results and process records, and marks it. `rows < batch`: nothing is left.
   */
  pruneExecutions(before: string, batch: number, at: string): PruneResult {
    return this.db.transaction(() => {
      let budget = batch;
      let executions = 0;
      while (budget > 0) {
        const id = this.stmts.next.get(before) as string | undefined;
        if (id === undefined) break;
        const events = this.stmts.events.run(id, id, budget).changes;
        budget -= events;
        // The budget ran out on this run's output: the next batch goes on with it (still unmarked).
        if (budget <= 0) break;
        budget -= this.stmts.results.run(id).changes + this.stmts.processes.run(id).changes;
        this.stmts.mark.run(at, id);
        budget--;
        executions++;
      }
      return { rows: batch - Math.max(budget, 0), executions };
    }).immediate();
  }
}
