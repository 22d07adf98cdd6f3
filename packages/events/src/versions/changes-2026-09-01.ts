import type { DisqualificationReason } from '../types.ts';
import type { VersionChange } from './change.ts';

/**
 * What 2026-09-01 changed from 2026-04-10. Each change converts a payload down to the previous
 * shape (what the platform does for an endpoint pinned to 2026-04-10) and up from it (what the
 * receiver kit does for a handler written for 2026-09-01 that is fed an older payload). The
 * functions are pure: they return new objects and never touch their input.
 */

type Data = Record<string, unknown>;

const isObject = (value: unknown): value is Data =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const leadScore: VersionChange = {
  description:
    'Every lead object gains `score`: an integer from 0 to 100, or null when the agent could not judge.',
  down: (_type, data) => {
    if (!isObject(data.lead)) return data;
    const { score: _score, ...lead } = data.lead;
    return { ...data, lead };
  },
  up: (_type, data) => (isObject(data.lead) ? { ...data, lead: { score: null, ...data.lead } } : data),
};

const disqualificationReasons: VersionChange = {
  description:
    'Breaking: lead.disqualified replaces `reason_codes` (a list of codes) with `reasons`, a list of `{ code, note }` where note is what the lead said about that reason (nullable).',
  types: ['lead.disqualified'],
  down: (_type, data) => {
    const { reasons, ...rest } = data;
    // Stored events were validated, but the kit also converts what a sender delivered: an entry
    // that is not a { code } object has no code to keep, so it is dropped rather than thrown on.
    const list = Array.isArray(reasons)
      ? (reasons.filter(isObject) as Partial<DisqualificationReason>[])
      : [];
    return { ...rest, reason_codes: [...new Set(list.map((reason) => reason.code))] };
  },
  up: (_type, data) => {
    const { reason_codes, ...rest } = data;
    const codes = Array.isArray(reason_codes) ? (reason_codes as string[]) : [];
    return { ...rest, reasons: codes.map((code) => ({ code, note: null })) };
  },
};

const meetingCompleted: VersionChange = {
  description:
    'New event type meeting.completed: `{ meeting, lead, call_id, outcome: "held" | "no_show", completed_at }`, sent when a meeting\'s time has passed and attendance is known.',
  addsTypes: ['meeting.completed'],
};

export const CHANGES_20260901: readonly VersionChange[] = [
  meetingCompleted,
  leadScore,
  disqualificationReasons,
];
