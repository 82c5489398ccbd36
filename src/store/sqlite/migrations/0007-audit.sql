-- The audit trail (src/audit/actions.ts names the actions and outcomes). Append-only: the triggers below refuse
-- every UPDATE and DELETE, so a row, once written, stays as written (removing the table or the database file is
-- the only way out, and that is an operator's act outside the API). No secret is ever stored: params appear as
-- the SHA-256 of their redacted canonical JSON, tokens by id and name. `path` is the route pattern (or the
-- path of an unmatched request), never with its query string.
CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  principal TEXT,
  token_id TEXT,
  capability TEXT,
  targets TEXT CHECK (targets IS NULL OR json_valid(targets)),
  params_digest TEXT,
  execution_id TEXT,
  source_ip TEXT,
  request_id TEXT,
  method TEXT,
  path TEXT,
  status INTEGER,
  code TEXT,
  detail TEXT
);

CREATE INDEX audit_events_action ON audit_events (action, seq);
CREATE INDEX audit_events_principal ON audit_events (principal, seq);
CREATE INDEX audit_events_outcome ON audit_events (outcome, seq);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_execution ON audit_events (execution_id) WHERE execution_id IS NOT NULL;

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
  SELECT RAISE(ABORT, 'audit_events is append-only');
END;
