-- Response bodies are stored as received when they are valid UTF-8 without NUL ('utf8'); any other
-- bytes (NUL, invalid UTF-8, binary, compressed data) are stored in an escaped text form
-- ('escaped': \xNN per byte that text cannot hold, \\ for a backslash), so recording an attempt
-- can never fail on what a receiver sent. Null: no body was received (or a row from before 0004,
-- which was always utf8).
alter table delivery_attempts add column response_body_encoding text
  check (response_body_encoding in ('utf8', 'escaped'));
-- The receiver's Content-Type, so a person reading an escaped body knows what the bytes were.
alter table delivery_attempts add column response_content_type text;

-- Why a delivery ended dead: 'attempts_exhausted', 'endpoint_deleted' or 'event_erased'.
alter table deliveries add column dead_reason text;
update deliveries set dead_reason = 'endpoint_deleted' where status = 'dead' and last_error = 'endpoint deleted';
update deliveries set dead_reason = 'event_erased'
 where status = 'dead' and last_error = 'event payload erased on request';
update deliveries set dead_reason = 'attempts_exhausted' where status = 'dead' and dead_reason is null;
-- Deliveries stranded by an earlier endpoint deletion (in flight when it was deleted, then held or
-- pending with nothing left to send them) end as the delete meant them to.
update deliveries d
   set status = 'dead', dead_at = now(), dead_reason = 'endpoint_deleted', last_error = 'endpoint deleted',
       lease_expires_at = null, leased_by = null, updated_at = now()
  from endpoints ep
 where ep.id = d.endpoint_id and ep.deleted_at is not null and d.status in ('pending', 'held');

-- The retention job deletes expired secrets; this finds them without reading every endpoint's.
create index endpoint_secrets_expires on endpoint_secrets (expires_at) where expires_at is not null;
