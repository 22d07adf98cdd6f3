-- Calls that connected: a call.connected for the call_id, however many were received.
select distinct {{ json_text('payload', 'call_id') }} as call_id
from {{ ref('stg_events') }}
where type = 'call.connected' and {{ json_text('payload', 'call_id') }} is not null
