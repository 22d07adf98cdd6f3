-- Each meeting.* event as one state change, stamped with the event's own time (booked_at,
-- rescheduled_at, canceled_at, completed_at), never with when it arrived.
select
  {{ json_text('payload', 'meeting.id') }} as meeting_id,
  case type
    when 'meeting.booked' then 'booked'
    when 'meeting.rescheduled' then 'rescheduled'
    when 'meeting.canceled' then 'canceled'
    when 'meeting.completed' then 'completed'
  end as state,
  {{ utc_timestamp(
       "coalesce(" ~ json_text('payload', 'booked_at') ~ ", " ~ json_text('payload', 'rescheduled_at') ~ ", "
       ~ json_text('payload', 'canceled_at') ~ ", " ~ json_text('payload', 'completed_at') ~ ")"
     ) }} as state_at,
  {{ json_text('payload', 'call_id') }} as call_id,
  {{ json_text('payload', 'outcome') }} as outcome,
  created_at,
  event_id
from {{ ref('stg_events') }}
where type in ('meeting.booked', 'meeting.rescheduled', 'meeting.canceled', 'meeting.completed')
  and {{ json_text('payload', 'meeting.id') }} is not null
