-- Bulk replay rate limit: a fixed one-minute window per account. It is counted in the account row,
-- so every API process shares one count without another table, and deleting the account erases it.
alter table accounts add column bulk_replay_window_start timestamptz;
alter table accounts add column bulk_replay_count int not null default 0;
