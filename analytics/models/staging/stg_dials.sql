-- A dial is an outbound call: a call.started with direction = "outbound", counted once per
-- call_id. Its source, campaign and day (the UTC date of started_at) are the lead's source and
-- campaign on that call.started. Should a call_id have several call.started events, the earliest
-- started_at speaks for it.
with started as (
  select
    {{ json_text('payload', 'call_id') }} as call_id,
    {{ json_text('payload', 'direction') }} as direction,
    {{ json_text('payload', 'lead.id') }} as lead_id,
    {{ json_text('payload', 'lead.source') }} as source,
    {{ json_text('payload', 'lead.campaign') }} as campaign,
    {{ utc_timestamp(json_text('payload', 'started_at')) }} as started_at,
    account_id,
    created_at,
    event_id
  from {{ ref('stg_events') }}
  where type = 'call.started'
),

ranked as (
  select
    started.*,
    row_number() over (partition by call_id order by started_at, created_at, event_id) as rank_in_call
  from started
  where direction = 'outbound' and call_id is not null
)

select
  call_id,
  account_id,
  lead_id,
  source,
  campaign,
  started_at,
  cast(started_at as date) as day
from ranked
where rank_in_call = 1
