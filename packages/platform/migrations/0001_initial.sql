-- Accounts: one customer of the platform, with where to send operational notices.
create table accounts (
  id text primary key,
  name text not null,
  slack_webhook_url text,
  pagerduty_routing_key text,
  created_at timestamptz not null default now()
);

-- API keys: only a SHA-256 of the key is kept (keys are 32 random bytes, so a fast hash is enough).
create table api_keys (
  id text primary key,
  account_id text not null references accounts (id),
  key_hash text not null unique,
  key_prefix text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_keys_account on api_keys (account_id);

create table endpoints (
  id text primary key,
  account_id text not null references accounts (id),
  url text not null,
  description text,
  event_types text[] not null,
  status text not null default 'enabled' check (status in ('enabled', 'disabled')),
  disabled_reason text,
  disabled_at timestamptz,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index endpoints_account on endpoints (account_id) where deleted_at is null;

-- Events: body is the exact envelope JSON that is signed and sent, so every attempt carries the same bytes.
create table events (
  id uuid primary key,
  account_id text not null references accounts (id),
  type text not null,
  schema_version text not null,
  body text not null,
  idempotency_key text,
  request_hash text,
  created_at timestamptz not null default now()
);
create unique index events_idempotency on events (account_id, idempotency_key) where idempotency_key is not null;
create index events_account_created on events (account_id, created_at);

-- Deliveries are the queue: one row per (event, endpoint). status:
--   pending     waiting for next_attempt_at (first attempt or a retry)
--   delivering  claimed by a worker until lease_expires_at
--   succeeded   a 2xx was received
--   dead        every attempt of the series failed (dead letter)
--   held        the endpoint is disabled; released in order when it is enabled again
create table deliveries (
  id uuid primary key,
  event_id uuid not null references events (id),
  endpoint_id text not null references endpoints (id),
  account_id text not null,
  event_type text not null,
  status text not null check (status in ('pending', 'delivering', 'succeeded', 'dead', 'held')),
  series int not null default 1,
  trigger text not null default 'publish' check (trigger in ('publish', 'manual')),
  attempt_count int not null default 0,
  next_attempt_at timestamptz,
  lease_expires_at timestamptz,
  leased_by text,
  last_status_code int,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  succeeded_at timestamptz,
  dead_at timestamptz
);
create index deliveries_due on deliveries (next_attempt_at, created_at) where status = 'pending';
create index deliveries_leased on deliveries (lease_expires_at) where status = 'delivering';
create index deliveries_event on deliveries (event_id);
create index deliveries_account_status on deliveries (account_id, status, created_at);
create index deliveries_endpoint on deliveries (endpoint_id, status);

-- Every attempt is kept, including those of earlier series after a replay.
create table delivery_attempts (
  id bigserial primary key,
  delivery_id uuid not null references deliveries (id),
  series int not null,
  attempt_number int not null,
  trigger text not null,
  scheduled_at timestamptz,
  started_at timestamptz not null,
  duration_ms int not null,
  outcome text not null check (outcome in ('succeeded', 'failed')),
  status_code int,
  error_kind text,
  error text,
  response_body text,
  response_truncated boolean not null default false
);
create index delivery_attempts_delivery on delivery_attempts (delivery_id, id);
