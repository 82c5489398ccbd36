-- Executions, per-target results, append-only sequence-numbered output events, node journal.
-- The status CHECK lists src/execution/states.ts EXECUTION_STATUSES (a test keeps them equal).
CREATE TABLE executions (
  seq              INTEGER PRIMARY KEY AUTOINCREMENT,
  id               TEXT NOT NULL UNIQUE,
  capability       TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','partial','canceled','timed_out','interrupted')),
  targets          TEXT NOT NULL,
  nodes            TEXT NOT NULL,
  params           TEXT NOT NULL,
  provider         TEXT,
  timeout_seconds  INTEGER NOT NULL,
  created_at       TEXT NOT NULL,
  started_at       TEXT,
  finished_at      TEXT,
  reason           TEXT,
  idempotency_key  TEXT,
  request_hash     TEXT,
  principal        TEXT NOT NULL,
  correlation_id   TEXT NOT NULL
);
CREATE INDEX executions_status ON executions (status, seq);
CREATE INDEX executions_capability ON executions (capability, seq);
CREATE INDEX executions_idempotency ON executions (idempotency_key, created_at) WHERE idempotency_key IS NOT NULL;

CREATE TABLE execution_nodes (
  execution_seq INTEGER NOT NULL REFERENCES executions (seq) ON DELETE CASCADE,
  node          TEXT NOT NULL,
  PRIMARY KEY (node, execution_seq)
);

CREATE TABLE target_results (
  execution_id TEXT NOT NULL,
  target       TEXT NOT NULL,
  status       TEXT NOT NULL,
  exit_code    INTEGER,
  value        TEXT,
  error        TEXT,
  duration_ms  REAL,
  PRIMARY KEY (execution_id, target)
);

CREATE TABLE execution_events (
  execution_id TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  type         TEXT NOT NULL,
  data         TEXT NOT NULL,
  at           TEXT NOT NULL,
  PRIMARY KEY (execution_id, seq)
) WITHOUT ROWID;

CREATE TABLE journal (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  node         TEXT NOT NULL,
  at           TEXT NOT NULL,
  kind         TEXT NOT NULL,
  execution_id TEXT,
  summary      TEXT NOT NULL,
  data         TEXT NOT NULL
);
CREATE INDEX journal_node ON journal (node, id);
