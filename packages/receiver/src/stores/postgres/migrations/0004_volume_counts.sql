-- Accepted events per event type per hour, for the volume check: the last full hour is compared
-- with the same hour of previous weeks, so rows are kept for the volume retention (6 weeks by
-- default) and then swept.
--
-- shard spreads one hour's count of a type over several rows: every accepting process picks its
-- own shard, so processes sharing the database do not all wait on one counter row's lock at each
-- commit. Readers sum the shards.
CREATE TABLE bookflow_receiver_volume (
  hour       timestamptz NOT NULL,
  event_type text NOT NULL,
  shard      smallint NOT NULL,
  count      bigint NOT NULL,
  PRIMARY KEY (hour, event_type, shard)
);
