-- The funnel's counts per source, campaign and UTC day. Counts add up, so any coarser grouping
-- (by source, by campaign, over a date range) is a sum of these rows; rates are computed after
-- summing, never averaged.
select
  source,
  campaign,
  day,
  cast(count(*) as integer) as dials,
  cast(sum(connected) as integer) as connects,
  cast(sum(meetings_booked) as integer) as meetings_booked,
  cast(sum(meetings_canceled) as integer) as meetings_canceled,
  cast(sum(held) as integer) as held,
  cast(sum(no_show) as integer) as no_show,
  cast(sum(disqualified) as integer) as disqualified
from {{ ref('fct_dials') }}
group by source, campaign, day
