-- Node journal (issue 17): who did it, links, keyset order by time across nodes, and the last gathered facts
-- of each node (to journal what changed between two gatherings).
ALTER TABLE journal ADD COLUMN principal TEXT;
ALTER TABLE journal ADD COLUMN links TEXT;
-- Timeline order: newest first by (at, id), for every node and for one node.
CREATE INDEX journal_at ON journal (at, id);
CREATE INDEX journal_node_at ON journal (node, at, id);
DROP INDEX journal_node;

CREATE TABLE node_facts (
  node  TEXT PRIMARY KEY,
  at    TEXT NOT NULL,
  facts TEXT NOT NULL
) WITHOUT ROWID;
