-- The receiver's own tables. Prefixed so they can live in the application's database beside its
-- own tables without a dedicated schema.

-- One row per event id seen, kept for the dedupe TTL (7 days by default) and then swept. Separate
-- from the jobs so a completed job can be deleted while its id still answers "duplicate".
CREATE TABLE bookflow_receiver_dedupe (
  event_id    text PRIMARY KEY,
  received_at timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);
CREATE INDEX bookflow_receiver_dedupe_expires_at ON bookflow_receiver_dedupe (expires_at);

-- The queue. A completed job is deleted; a failed one waits for run_at; a dead one stays until a
-- replay. status 'running' rows hold a lease (locked_by, locked_until) that the reaper returns.
CREATE TABLE bookflow_receiver_jobs (
  event_id       text PRIMARY KEY,
  event_type     text NOT NULL,
  schema_version text NOT NULL,
  payload        jsonb NOT NULL,
  headers        jsonb NOT NULL DEFAULT '{}'::jsonb,
  received_at    timestamptz NOT NULL,
  status         text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'dead')),
  run_at         timestamptz NOT NULL,
  attempts       integer NOT NULL DEFAULT 0,
  last_error     text,
  locked_by      text,
  locked_until   timestamptz,
  dead_at        timestamptz
);
-- Partial indexes: the claim only looks at queued rows, the reaper only at running ones.
CREATE INDEX bookflow_receiver_jobs_due ON bookflow_receiver_jobs (run_at) WHERE status = 'queued';
CREATE INDEX bookflow_receiver_jobs_leases ON bookflow_receiver_jobs (locked_until) WHERE status = 'running';
CREATE INDEX bookflow_receiver_jobs_dead ON bookflow_receiver_jobs (dead_at) WHERE status = 'dead';

-- ctx.once results: one row per completed side effect of an event.
CREATE TABLE bookflow_receiver_ledger (
  event_id     text NOT NULL,
  step_key     text NOT NULL,
  result       jsonb,
  completed_at timestamptz NOT NULL,
  PRIMARY KEY (event_id, step_key)
);
CREATE INDEX bookflow_receiver_ledger_completed_at ON bookflow_receiver_ledger (completed_at);
