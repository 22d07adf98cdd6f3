-- Calls whose lead was disqualified (any schema version: reason_codes or reasons).
select distinct {{ json_text('payload', 'call_id') }} as call_id
from {{ ref('stg_events') }}
where type = 'lead.disqualified' and {{ json_text('payload', 'call_id') }} is not null
