import { count, dateTime, eventSchema, object, quantity, text, url } from './shared.ts';

export const trialEndingSchema = eventSchema(
  'trial.ending',
  'The account trial ends in 3 days.',
  object({
    trial_ends_at: dateTime('when the trial ends'),
    days_remaining: count('whole days left, 3 when this event is sent'),
    plan: text('the plan being trialled'),
    minutes_used: quantity('call minutes used during the trial'),
    meetings_booked: count('meetings booked during the trial'),
    upgrade_url: url('where to pick a paid plan'),
  }),
);
