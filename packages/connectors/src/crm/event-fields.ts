/**
 * Reading event data of any schema version: fields are looked up, never assumed, so an envelope
 * older or newer than this package still does what it can.
 */
export function field(data: unknown, ...path: string[]): unknown {
  let value: unknown = data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

export function text(data: unknown, ...path: string[]): string | null {
  const value = field(data, ...path);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function time(data: unknown, ...path: string[]): Date | null {
  const value = text(data, ...path);
  if (value === null) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

export interface LeadFields {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  company: string | null;
  source: string | null;
  campaign: string | null;
}

export function leadOf(data: unknown): LeadFields | null {
  const id = text(data, 'lead', 'id');
  if (!id) return null;
  return {
    id,
    name: text(data, 'lead', 'name'),
    email: text(data, 'lead', 'email'),
    phone: text(data, 'lead', 'phone'),
    company: text(data, 'lead', 'company'),
    source: text(data, 'lead', 'source'),
    campaign: text(data, 'lead', 'campaign'),
  };
}

/**
 * A disqualification's reasons as sentences: schema 2026-04-10 has `reason_codes` (and `notes`),
 * 2026-09-01 has `reasons: [{ code, note }]`. Both are read, whichever is present.
 */
export function disqualificationReasons(data: unknown): string[] {
  const reasons = field(data, 'reasons');
  if (Array.isArray(reasons)) {
    return reasons.map((r) => {
      const code = text(r, 'code') ?? 'other';
      const note = text(r, 'note');
      return note ? `${code}: ${note}` : code;
    });
  }
  const codes = field(data, 'reason_codes');
  const list = Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [];
  const notes = text(data, 'notes');
  return notes ? [...list, notes] : list;
}

export function splitName(name: string | null): { first: string | null; last: string | null } {
  if (!name) return { first: null, last: null };
  const parts = name.trim().split(/\s+/);
  return parts.length === 1
    ? { first: parts[0]!, last: null }
    : { first: parts.slice(0, -1).join(' '), last: parts.at(-1)! };
}
