-- Schema versions. Accounts that exist now were built against 2026-04-10, so they and their
-- endpoints keep it; an account created from now on defaults to the newest version (the platform
-- also names it explicitly when it creates one).
alter table accounts add column default_schema_version text not null default '2026-04-10';
alter table accounts alter column default_schema_version set default '2026-09-01';
alter table endpoints add column schema_version text not null default '2026-04-10';
-- Endpoints created by the platform name their version (the account's default); this default only
-- covers rows written some other way, which are given the newest, like a new account.
alter table endpoints alter column schema_version set default '2026-09-01';

-- Where an event came from: a caller of the API, or the platform itself (usage.threshold,
-- trial.ending). Only the platform may produce the account events.
alter table events add column source text not null default 'api' check (source in ('api', 'platform'));

-- Plan and trial. The period is [plan_period_start, plan_period_end); when it has passed, the next
-- period starts where it ended and lasts one calendar month. counts_usage is false for accounts
-- whose events are not billable (sandbox/test accounts): their calls are not counted.
alter table accounts add column plan_name text;
alter table accounts add column plan_minutes_included int check (plan_minutes_included >= 0);
alter table accounts add column plan_period_start timestamptz;
alter table accounts add column plan_period_end timestamptz;
alter table accounts add column trial_ends_at timestamptz;
alter table accounts add column counts_usage boolean not null default true;
alter table accounts add constraint accounts_plan_complete check (
  (plan_name is null) = (plan_minutes_included is null)
  and (plan_name is null) = (plan_period_start is null)
  and (plan_name is null) = (plan_period_end is null)
  and (plan_period_end is null or plan_period_end > plan_period_start));

-- Minutes used per account and period, added to in the transaction that stores each call.ended.
create table usage_periods (
  account_id text not null references accounts (id) on delete cascade,
  period_start timestamptz not null,
  period_end timestamptz not null,
  minutes_used bigint not null default 0,
  calls int not null default 0,
  primary key (account_id, period_start)
);

-- One row per threshold reached per period: the primary key is what makes usage.threshold
-- exactly-once, whatever the number of API processes (the event is inserted in the same
-- transaction as the row, so both exist or neither does).
create table usage_thresholds (
  account_id text not null references accounts (id) on delete cascade,
  period_start timestamptz not null,
  threshold_percent int not null check (threshold_percent in (75, 90, 100)),
  event_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (account_id, period_start, threshold_percent)
);

-- One row per trial end announced: trial.ending goes out once per (account, trial_ends_at), so
-- moving the trial end re-arms it, and a worker restart or a second worker cannot send it twice.
create table trial_notices (
  account_id text not null references accounts (id) on delete cascade,
  trial_ends_at timestamptz not null,
  event_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (account_id, trial_ends_at)
);
create index accounts_trial_ends on accounts (trial_ends_at) where trial_ends_at is not null;
