-- The envelope is kept as the JSON text received instead of jsonb. jsonb refuses text that is
-- valid JSON and that a sender can sign (`\u0000`, a lone surrogate `\ud800`), so such a delivery
-- failed to store on every attempt and was retried for a day; text keeps any of it. The receiver
-- parses the text once, when a worker runs the job.
ALTER TABLE bookflow_receiver_jobs ADD COLUMN body text;
UPDATE bookflow_receiver_jobs SET body = payload::text;
ALTER TABLE bookflow_receiver_jobs ALTER COLUMN body SET NOT NULL;
ALTER TABLE bookflow_receiver_jobs DROP COLUMN payload;
