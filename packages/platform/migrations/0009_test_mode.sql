-- Test mode (the sandbox). An account may have one test twin: an account row of its own, with
-- mode 'test' and live_account_id naming the live account. A test key (bfk_test_…) belongs to the
-- twin, so every query scoped by account id keeps live and test data apart without knowing modes.
-- Existing accounts, and their keys, are live.
alter table accounts add column mode text not null default 'live' check (mode in ('live', 'test'));
alter table accounts add column live_account_id text references accounts (id);
alter table accounts add constraint accounts_twin_has_live
  check ((mode = 'test') = (live_account_id is not null));
-- One twin per live account, so creating it on demand from two processes at once makes one.
create unique index accounts_test_twin on accounts (live_account_id) where live_account_id is not null;
