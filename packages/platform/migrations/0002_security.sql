-- Endpoint secrets, sealed with AES-256-GCM under the master key (never stored in clear).
-- The current secret has expires_at null; after a rotation the old one keeps signing beside the
-- new one until its expires_at.
create table endpoint_secrets (
  id bigserial primary key,
  endpoint_id text not null references endpoints (id),
  sealed text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz
);
create index endpoint_secrets_endpoint on endpoint_secrets (endpoint_id, id);

-- Several named keys per account, revocable.
alter table api_keys add column name text;
alter table api_keys add column last_used_at timestamptz;

-- Retention: payloads are purged after the retention period or erased on request; the rows stay.
alter table events alter column body drop not null;
alter table events add column erased_at timestamptz;
alter table events add column erasure_reason text;
alter table delivery_attempts add column purged_at timestamptz;
