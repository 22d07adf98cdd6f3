import type { DisqualificationReasonCode, LeadDisqualifiedData, MeetingCanceledData } from '../types.ts';
import type { Random } from './random.ts';

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

/** One or two reasons a lead was disqualified, each with its note, and the notes as one text. */
export function sampleDisqualification(rnd: Random): Pick<LeadDisqualifiedData, 'reasons' | 'notes'> {
  const codes = rnd.sample(Object.keys(DISQUALIFY_NOTES) as DisqualificationReasonCode[], rnd.int(1, 2));
  return {
    reasons: codes.map((code) => ({ code, note: DISQUALIFY_NOTES[code] })),
    notes: codes.map((code) => DISQUALIFY_NOTES[code]).join(' '),
  };
}
