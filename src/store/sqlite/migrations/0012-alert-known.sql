-- What the alert follower last handed on for each alert of each source (issue 19): after a restart, or after a
-- source was unreachable, the follower compares the source's alerts with these rows, so a resolution or a state
-- change that happened meanwhile still reaches the journal and the webhooks. Resolved alerts are not kept.
CREATE TABLE alert_known (
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  state TEXT NOT NULL,
  alert TEXT NOT NULL,
  PRIMARY KEY (source, id)
) WITHOUT ROWID;
