-- Alert webhook subscriptions (issue 19): where Capstan's core sends alert changes of every source, and the
-- deliveries not yet accepted by their receiver (kept across restarts: a change is never lost to a restart or a
-- receiver that is down for a while). filter is the AlertFilter JSON (NULL: every alert); secret is the HMAC key
-- of X-Capstan-Signature (NULL: unsigned); deleted_at set: no more deliveries, the row stays for the record.
CREATE TABLE alert_subscriptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  receiver_url TEXT NOT NULL,
  filter TEXT,
  secret TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  deleted_at TEXT,
  delivered INTEGER NOT NULL DEFAULT 0,
  failures INTEGER NOT NULL DEFAULT 0,
  last_attempt_at TEXT,
  last_status TEXT
);

CREATE TABLE alert_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  subscription_id INTEGER NOT NULL REFERENCES alert_subscriptions (id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  changes INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  next_attempt_at TEXT NOT NULL
);
CREATE INDEX alert_deliveries_due ON alert_deliveries (next_attempt_at, id);
