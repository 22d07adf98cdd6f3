import type { DisqualificationReasonCode, MeetingCanceledData } from '../types.ts';

/** What people say in sample payloads, keyed by the code it explains, so text and code agree. */

export const CANCEL_REASONS: Record<MeetingCanceledData['reason_code'], string> = {
  no_longer_interested: 'Decided to stay with their current process for now.',
  scheduling_conflict: 'Board meeting moved onto the same slot.',
  duplicate: 'A colleague already booked a demo for the same team.',
  bad_fit: 'Team is smaller than the minimum the plan supports.',
  other: 'Asked to be contacted again next quarter.',
};

export const DISQUALIFY_NOTES: Record<DisqualificationReasonCode, string> = {
  no_budget: 'No budget allocated until next fiscal year.',
  no_authority: 'Not the decision maker; would not share who is.',
  no_need: 'Books meetings by hand and is happy with it.',
  bad_timing: 'In the middle of a merger; asked to revisit in six months.',
  competitor: 'Signed a two-year contract with a competitor last month.',
  wrong_contact: 'Number belongs to someone else; no link to the company.',
  do_not_call: 'Asked not to be called again. Added to the do-not-call list.',
  other: 'Outside the regions the seller serves.',
};
