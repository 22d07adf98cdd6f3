-- For dashboards: the funnel by source and campaign with its rates and the campaign's spend
-- (seeds/campaigns.csv). cost_per_meeting = spend_usd / meetings_booked. A campaign's spend is
-- shown on each source row it appears in.
with funnel as (
  select
    source,
    campaign,
    sum(dials) as dials,
    sum(connects) as connects,
    sum(meetings_booked) as meetings_booked,
    sum(meetings_canceled) as meetings_canceled,
    sum(held) as held,
    sum(no_show) as no_show,
    sum(disqualified) as disqualified
  from {{ ref('funnel_daily') }}
  group by source, campaign
)

select
  f.source,
  f.campaign,
  f.dials,
  f.connects,
  cast(f.connects as double precision) / nullif(f.dials, 0) as connect_rate,
  f.meetings_booked,
  cast(f.meetings_booked as double precision) / nullif(f.connects, 0) as book_rate,
  f.meetings_canceled,
  f.held,
  f.no_show,
  cast(f.held as double precision) / nullif(f.held + f.no_show, 0) as show_rate,
  f.disqualified,
  c.spend_usd,
  c.spend_usd / nullif(f.meetings_booked, 0) as cost_per_meeting
from funnel as f
left join {{ ref('campaigns') }} as c on c.campaign = f.campaign
