/**
 * Building blocks of the event schemas, and the sub-schemas (lead, agent, owner, meeting) that
 * several events embed. Each sub-schema exists once, here, so a change to the lead shape is one
 * edit and every event that carries a lead sees it.
 *
 * Draft-07 keywords only: the platform validates with Ajv 8's default class plus ajv-formats.
 * No object sets `additionalProperties: false`, because payloads gain fields over time and a
 * consumer that pinned an old schema must keep accepting newer payloads.
 */

export const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** A JSON Schema as a plain object; kept loose so it can be handed to any validator. */
export type JsonSchema = Record<string, unknown>;

/**
 * An object schema whose `required` list is derived from its properties, so the two cannot drift.
 * Only the keys named in `optional` may be absent (they mirror `?:` fields in types.ts).
 */
export function object(
  properties: Record<string, JsonSchema>,
  options: { optional?: readonly string[]; description?: string } = {},
): JsonSchema {
  const optional = new Set(options.optional ?? []);
  return {
    type: 'object',
    ...(options.description ? { description: options.description } : {}),
    properties,
    required: Object.keys(properties).filter((key) => !optional.has(key)),
  };
}

/** Wraps an object schema as a top-level event payload schema. */
export function eventSchema(type: string, description: string, body: JsonSchema): JsonSchema {
  return { $schema: DRAFT_07, title: `${type} data`, ...body, description };
}

export const text = (description?: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  ...(description ? { description } : {}),
});

/** `string | null`: null means "known not to exist", never "not sent". */
export const nullableText = (description?: string): JsonSchema => ({
  type: ['string', 'null'],
  ...(description ? { description } : {}),
});

export const id = (description: string): JsonSchema => text(description);
export const nullableId = (description: string): JsonSchema => nullableText(description);

export const dateTime = (description: string): JsonSchema => ({
  type: 'string',
  format: 'date-time',
  description,
});

export const url = (description: string): JsonSchema => ({ type: 'string', format: 'uri', description });
export const nullableUrl = (description: string): JsonSchema => ({
  type: ['string', 'null'],
  format: 'uri',
  description,
});

export const count = (description: string): JsonSchema => ({ type: 'integer', minimum: 0, description });
export const quantity = (description: string): JsonSchema => ({ type: 'number', minimum: 0, description });

export const oneOf = (values: readonly (string | number)[], description: string): JsonSchema => ({
  enum: [...values],
  description,
});

export const phone = (description: string): JsonSchema => text(`${description}, E.164 (e.g. +14155550123)`);

export const callDirection = oneOf(['outbound', 'inbound'], 'who placed the call');

const leadProperties = {
  id: id('BookFlow lead id'),
  name: text('full name'),
  email: { type: ['string', 'null'], format: 'email', description: 'null when the lead gave none' },
  phone: phone('the number the agent called or was called from'),
  company: nullableText('company name, null when unknown'),
  title: nullableText('job title'),
  source: text('where the lead came from, e.g. "website_form", "hubspot_import"'),
  campaign: nullableText('the campaign the lead belongs to'),
};

/** The lead of version 2026-04-10: no score. */
export const lead20260410 = object(leadProperties, {
  optional: ['title'],
  description: 'the person the agent called',
});

/** The lead since 2026-09-01: gains `score`. */
export const lead = object(
  {
    ...leadProperties,
    score: {
      type: ['integer', 'null'],
      minimum: 0,
      maximum: 100,
      description: 'fit score from 0 to 100 the agent assigned; null when it could not judge',
    },
  },
  { optional: ['title'], description: 'the person the agent called' },
);

export const agent = object(
  { id: id('BookFlow agent id'), name: text('display name of the AI voice agent') },
  { description: 'the AI voice agent that handled the call' },
);

export const owner = object(
  {
    id: id('BookFlow user id of the account executive'),
    name: text('full name'),
    email: { type: 'string', format: 'email', description: 'calendar email of the account executive' },
  },
  { description: 'the account executive who owns the meeting' },
);

export const meeting = object(
  {
    id: id('BookFlow meeting id'),
    title: text('calendar event title'),
    start_at: dateTime('start, ISO 8601 with offset'),
    end_at: dateTime('end, after start_at'),
    timezone: text('IANA time zone the meeting was booked in, e.g. "America/Chicago"'),
    location: nullableText('physical location, null for video meetings'),
    conferencing_url: nullableUrl('video link, null for in-person meetings'),
    owner,
  },
  { description: 'the meeting on the account executive calendar' },
);
