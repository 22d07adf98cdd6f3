-- Dashboard sessions: a browser signed in to one account. Only a SHA-256 of the cookie's token is
-- kept (the token is 32 random bytes, so a fast hash is enough, as for API keys). Sessions and
-- links go with their account when it is erased (on delete cascade).
create table dashboard_sessions (
  id text primary key,
  account_id text not null references accounts (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index dashboard_sessions_account on dashboard_sessions (account_id);

-- One-time sign-in links (POST /v1/dashboard-links): a hash of the token, valid until expires_at,
-- used at most once (used_at is set by the single update that redeems it).
create table dashboard_links (
  id text primary key,
  account_id text not null references accounts (id) on delete cascade,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index dashboard_links_account on dashboard_links (account_id);

-- The dashboard's charts and live stream read an account's deliveries by creation time, and its
-- attempts by time: without these both would scan every row of the account (or of all accounts).
create index deliveries_account_created on deliveries (account_id, created_at);
create index delivery_attempts_started on delivery_attempts (started_at);
