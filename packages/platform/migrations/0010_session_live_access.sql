-- A dashboard session opened with a test key (or a sign-in link made with one) must never reach
-- live data by switching modes: a test key is the weaker credential, often kept in CI. Sessions
-- record whether their sign-in credential was live; existing sessions were all opened as before.
alter table dashboard_sessions add column signed_in_live boolean not null default true;
