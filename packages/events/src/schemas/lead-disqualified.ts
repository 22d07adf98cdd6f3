import {
  agent,
  dateTime,
  eventSchema,
  id,
  lead,
  nullableText,
  nullableUrl,
  object,
  oneOf,
} from './shared.ts';

export const DISQUALIFICATION_REASON_CODES = [
  'no_budget',
  'no_authority',
  'no_need',
  'bad_timing',
  'competitor',
  'wrong_contact',
  'do_not_call',
  'other',
] as const;

export const leadDisqualifiedSchema = eventSchema(
  'lead.disqualified',
  'The agent found the lead is not a fit.',
  object({
    call_id: id('the call in which the lead was disqualified'),
    lead,
    agent,
    reason_codes: {
      type: 'array',
      description: 'every reason that applies, most important first',
      items: oneOf(DISQUALIFICATION_REASON_CODES, 'a stable reason code'),
      minItems: 1,
      uniqueItems: true,
    },
    notes: nullableText("the agent's notes"),
    transcript_url: nullableUrl('full transcript of the call'),
    disqualified_at: dateTime('when the lead was disqualified'),
  }),
);
