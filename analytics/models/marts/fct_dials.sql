-- One row per dial with what came of it. The funnel's terms, as every report uses them:
--   dials              outbound call.started, once per call_id
--   connects           dials that have a call.connected             connect_rate = connects / dials
--   meetings_booked    distinct meeting.id of meeting.booked whose call_id is this dial
--                                                                   book_rate = meetings_booked / connects
--   meetings_canceled  booked meetings whose latest state is canceled
--   held, no_show      booked meetings whose latest meeting.completed says so
--                                                                   show_rate = held / (held + no_show)
--   disqualified       dials with a lead.disqualified for their call_id
-- A rate whose denominator is 0 is null (computed where the rows are grouped).
with booked as (
  select
    booking_call_id as call_id,
    count(*) as meetings_booked,
    sum(case when latest_state = 'canceled' then 1 else 0 end) as meetings_canceled,
    sum(case when completion_outcome = 'held' then 1 else 0 end) as held,
    sum(case when completion_outcome = 'no_show' then 1 else 0 end) as no_show
  from {{ ref('stg_meetings') }}
  where booking_call_id is not null
  group by booking_call_id
)

select
  d.call_id,
  d.account_id,
  d.lead_id,
  d.source,
  d.campaign,
  d.day,
  d.started_at,
  case when c.call_id is null then 0 else 1 end as connected,
  cast(coalesce(b.meetings_booked, 0) as integer) as meetings_booked,
  cast(coalesce(b.meetings_canceled, 0) as integer) as meetings_canceled,
  cast(coalesce(b.held, 0) as integer) as held,
  cast(coalesce(b.no_show, 0) as integer) as no_show,
  case when q.call_id is null then 0 else 1 end as disqualified
from {{ ref('stg_dials') }} as d
left join {{ ref('stg_connects') }} as c on c.call_id = d.call_id
left join booked as b on b.call_id = d.call_id
left join {{ ref('stg_disqualifications') }} as q on q.call_id = d.call_id
