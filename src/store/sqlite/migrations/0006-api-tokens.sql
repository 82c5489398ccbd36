-- API tokens managed through /api/v1/tokens. Only the SHA-256 of the secret is kept (hex): the secret is
-- shown once, when the token is created. roles and scope are JSON arrays (scope NULL: no narrowing).
CREATE TABLE api_tokens (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  owner TEXT NOT NULL,
  roles TEXT NOT NULL,
  scope TEXT,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  expires_at TEXT,
  revoked_at TEXT
);
