-- Which CRM record stands for which BookFlow object (a lead's contact, a meeting's engagement or
-- task), so a replayed, duplicated or out-of-order event finds the record instead of creating a
-- second one. state_at is the event time of the newest state written to the record: an older
-- event arriving later never overwrites a newer state.
CREATE TABLE bookflow_crm_objects (
  crm          text NOT NULL,
  kind         text NOT NULL,
  bookflow_id  text NOT NULL,
  crm_id       text NOT NULL,
  state_at     timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (crm, kind, bookflow_id)
);
