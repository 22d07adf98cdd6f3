import {
  agent,
  dateTime,
  eventSchema,
  id,
  lead,
  lead20260410,
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

const reasonCode = oneOf(DISQUALIFICATION_REASON_CODES, 'a stable reason code');
const TITLE = 'The agent found the lead is not a fit.';

/** Since 2026-09-01: `reasons`, each a code with what the lead said about it. */
export const leadDisqualifiedSchema = eventSchema(
  'lead.disqualified',
  TITLE,
  object({
    call_id: id('the call in which the lead was disqualified'),
    lead,
    agent,
    reasons: {
      type: 'array',
      description: 'every reason that applies, most important first; each code appears once',
      items: object({ code: reasonCode, note: nullableText('what the lead said about this reason') }),
      minItems: 1,
    },
    notes: nullableText("the agent's notes"),
    transcript_url: nullableUrl('full transcript of the call'),
    disqualified_at: dateTime('when the lead was disqualified'),
  }),
);

/** Version 2026-04-10: a flat list of `reason_codes`. */
export const leadDisqualifiedSchema20260410 = eventSchema(
  'lead.disqualified',
  TITLE,
  object({
    call_id: id('the call in which the lead was disqualified'),
    lead: lead20260410,
    agent,
    reason_codes: {
      type: 'array',
      description: 'every reason that applies, most important first',
      items: reasonCode,
      minItems: 1,
      uniqueItems: true,
    },
    notes: nullableText("the agent's notes"),
    transcript_url: nullableUrl('full transcript of the call'),
    disqualified_at: dateTime('when the lead was disqualified'),
  }),
);
