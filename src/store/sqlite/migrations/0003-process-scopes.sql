-- The scope of each recorded process: its cgroup (null in the process-group fallback) and the CAPSTAN_RUN
-- cookie in its environment, so a restart after a crash also ends what left the process group.
ALTER TABLE execution_processes ADD COLUMN cgroup TEXT;
ALTER TABLE execution_processes ADD COLUMN cookie TEXT;
-- The signal that killed a target's top-level process (exit_code is then 128 + n).
ALTER TABLE target_results ADD COLUMN signal TEXT;
