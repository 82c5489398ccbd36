-- Whether a run changed the target (capabilities with detailed exit codes, e.g. puppet.run); NULL when the
-- capability does not say.
ALTER TABLE target_results ADD COLUMN changed INTEGER;
