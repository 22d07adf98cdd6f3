-- One row per meeting id: the call that booked it (the earliest meeting.booked), its latest state
-- by the events' own timestamps, and what its latest meeting.completed said. Events that arrive
-- late or out of order land in the right place because arrival order is never used; equal
-- timestamps are broken by the sender's created_at, then the event id, so the result is the same
-- on every engine.
with bookings as (
  select
    meeting_id,
    call_id as booking_call_id,
    state_at as booked_at,
    row_number() over (partition by meeting_id order by state_at, created_at, event_id) as booking_rank
  from {{ ref('stg_meeting_events') }}
  where state = 'booked'
),

latest_state as (
  select
    meeting_id,
    state as latest_state,
    state_at as latest_state_at,
    row_number() over (partition by meeting_id order by state_at desc, created_at desc, event_id desc) as state_rank
  from {{ ref('stg_meeting_events') }}
),

latest_completion as (
  select
    meeting_id,
    outcome as completion_outcome,
    row_number() over (partition by meeting_id order by state_at desc, created_at desc, event_id desc) as completion_rank
  from {{ ref('stg_meeting_events') }}
  where state = 'completed'
)

select
  s.meeting_id,
  b.booking_call_id,
  b.booked_at,
  s.latest_state,
  s.latest_state_at,
  c.completion_outcome
from latest_state as s
left join bookings as b on b.meeting_id = s.meeting_id and b.booking_rank = 1
left join latest_completion as c on c.meeting_id = s.meeting_id and c.completion_rank = 1
where s.state_rank = 1
