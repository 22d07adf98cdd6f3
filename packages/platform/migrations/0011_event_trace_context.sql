-- The W3C traceparent of the publish that stored the event (null when tracing was off). The worker
-- may be another process and run much later, so the trace travels with the event: each attempt's
-- span, and the traceparent header the delivery carries, continue the publish's trace.
alter table events add column traceparent text;
