-- Endpoints of kind 'cli' are held by a `bookflow listen` session: the API process holding the
-- CLI's stream claims their deliveries and hands them to the CLI, which POSTs them to a local URL
-- and reports the answer back; delivery workers never claim them. They are ephemeral: expires_at
-- moves forward while a CLI holds the stream, and an endpoint past it is deleted.
alter table endpoints add column kind text not null default 'http' check (kind in ('http', 'cli'));
alter table endpoints add column expires_at timestamptz;
create index endpoints_cli_expiry on endpoints (expires_at) where kind = 'cli' and deleted_at is null;
