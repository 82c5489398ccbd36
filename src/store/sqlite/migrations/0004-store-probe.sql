-- One row the server rewrites to learn whether the store can be written again after a write failed (disk
-- full, the write lock held by another process): a real write, so it needs the same lock and disk space.
CREATE TABLE store_probe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  at TEXT NOT NULL
);
