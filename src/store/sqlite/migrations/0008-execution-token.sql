-- The API token that submitted a run (issue 16): a queued run starts only while that token is still valid
-- and still reaches its nodes; an Idempotency-Key replay answers only the same token.
ALTER TABLE executions ADD COLUMN token_id TEXT;
