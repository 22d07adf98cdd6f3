-- The raw events, one row per event id, as the connector appends them (and `analytics load`).
-- payload is the envelope's data, whatever its schema version; the dbt models read it.
CREATE TABLE bookflow_raw_events (
  event_id       text PRIMARY KEY,
  type           text NOT NULL,
  account_id     text NOT NULL,
  schema_version text NOT NULL,
  created_at     timestamptz NOT NULL,
  received_at    timestamptz NOT NULL,
  payload        jsonb NOT NULL
);

-- The models filter by type first.
CREATE INDEX bookflow_raw_events_type ON bookflow_raw_events (type);
