import { ApiError } from '../errors/catalogue.ts';
import { onlyFields } from './docs/object-schema.ts';

/** Opaque cursor: base64url of "<ISO time>|<id>" of the last row returned. */
export function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

/**
 * The cursor's parts, checked before they reach a query: a forged cursor is a 400, never a failed
 * statement (an id of the wrong shape, or a time the database cannot represent, such as year 0).
 */
export function decodeCursor(
  cursor: string | undefined,
  isId: (id: string) => boolean = isUuid,
): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [time, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(time ?? '');
  const year = createdAt.getUTCFullYear();
  if (!id || !isId(id) || Number.isNaN(createdAt.getTime()) || year < 1000 || year > 9999) {
    throw new ApiError('validation_failed', 'cursor is not one this API returned');
  }
  return { createdAt, id };
}

/** Opaque cursor into a delivery's attempts: base64url of "attempt|<id>" of the last attempt shown. */
export function encodeAttemptCursor(attemptId: string): string {
  return Buffer.from(`attempt|${attemptId}`).toString('base64url');
}

export function decodeAttemptCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const [kind, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (kind !== 'attempt' || !id || !/^[0-9]{1,18}$/.test(id)) {
    throw new ApiError('validation_failed', 'cursor is not one this API returned');
  }
  return id;
}

export function parseLimit(raw: string | undefined, fallback = 50, max = 250): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new ApiError('validation_failed', `limit must be an integer from 1 to ${max}`);
  }
  return n;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that cannot exist answer 404 like any unknown id, without touching the database. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** `limit` and `cursor`, the query fields of every paged list (filtered lists add their own). */
export const PAGE_FIELDS = {
  limit: { type: 'string', pattern: '^[0-9]+$' },
  cursor: { type: 'string', maxLength: 200 },
} as const;

/** The query of a plain paged list: `limit` and `cursor`, nothing else. */
export const PAGE_QUERY = onlyFields(PAGE_FIELDS);
