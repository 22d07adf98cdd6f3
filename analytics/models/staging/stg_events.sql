-- Every event once. The raw table's key already makes event_id unique on DuckDB and PostgreSQL;
-- BigQuery's insertId dedupe is best effort and Snowflake has no enforced key, so keep the first
-- copy received here rather than trust the load.
select event_id, type, account_id, schema_version, created_at, received_at, payload
from (
  select
    raw.*,
    row_number() over (partition by event_id order by received_at, created_at) as copy_number
  from {{ source('bookflow', 'raw_events') }} as raw
) as numbered
where copy_number = 1
