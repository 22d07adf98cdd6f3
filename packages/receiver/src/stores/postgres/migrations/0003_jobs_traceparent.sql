-- The W3C traceparent of the request that accepted the job (null when tracing is off): the handler
-- runs later, in the worker, and its span continues the delivery's trace from it.
ALTER TABLE bookflow_receiver_jobs ADD COLUMN traceparent text;
