-- Process groups a running execution started, so a restart after a crash can kill what is left of them.
CREATE TABLE execution_processes (
  execution_id TEXT NOT NULL,
  pgid         INTEGER NOT NULL,
  boot_id      TEXT,
  start_ticks  TEXT,
  PRIMARY KEY (execution_id, pgid)
);
