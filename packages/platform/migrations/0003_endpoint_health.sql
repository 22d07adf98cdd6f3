-- Endpoint health: per-endpoint limits enforced by the worker, and the failure run that leads to
-- automatic disabling. Both limits: null = the platform default (BOOKFLOW_ENDPOINT_RATE_LIMIT,
-- BOOKFLOW_ENDPOINT_MAX_CONCURRENCY), 0 = unlimited.
alter table endpoints add column rate_limit int check (rate_limit >= 0);
alter table endpoints add column max_concurrency int check (max_concurrency >= 0);
-- Start of the current run of failed attempts; null after any success. The endpoint is disabled
-- (reason 'failing') once this is older than BOOKFLOW_ENDPOINT_DISABLE_AFTER.
alter table endpoints add column failing_since timestamptz;
-- The rate limiter's next free send slot (a GCRA "theoretical arrival time"): each claim for a
-- rate-limited endpoint hands out slots from here, 1/rate_limit s apart, and moves it forward.
alter table endpoints add column rate_next_at timestamptz;

-- The claim's per-endpoint path finds limited endpoints through this small index when the platform
-- defaults are 0 (unlimited), so an installation without limits pays one empty index probe.
create index endpoints_limited on endpoints (id)
  where status = 'enabled' and (rate_limit > 0 or max_concurrency > 0);

-- The oldest due deliveries of one endpoint, in claim order, without sorting its whole backlog.
create index deliveries_endpoint_due on deliveries (endpoint_id, next_attempt_at, created_at)
  where status = 'pending';
