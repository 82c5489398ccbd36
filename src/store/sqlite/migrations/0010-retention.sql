-- Retention (issue 17): a terminal run whose output and results were pruned keeps its row, marked with when
-- that happened (answers then say the output is gone rather than empty).
ALTER TABLE executions ADD COLUMN pruned_at TEXT;
-- The pruner's walk: terminal runs not yet pruned, oldest finished first.
CREATE INDEX executions_prunable ON executions (finished_at) WHERE pruned_at IS NULL AND finished_at IS NOT NULL;
-- Kind filters of the fleet timeline (GET /api/v1/journal?kind=...), newest first without a scan of every entry.
CREATE INDEX journal_kind_at ON journal (kind, at, id);
