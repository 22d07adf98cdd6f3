import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type CallOutcome,
  CHANGELOG,
  catalogue,
  EVENT_TYPES,
  type EventType,
  type LeadDisqualifiedData,
  type MeetingCanceledData,
  SCHEMA_VERSION,
  SCHEMA_VERSIONS,
  sampleData,
  schemaFor,
  type UsageThresholdData,
} from '../src/index.ts';
import type { CALL_OUTCOMES } from '../src/schemas/call-ended.ts';
import type { DISQUALIFICATION_REASON_CODES } from '../src/schemas/lead-disqualified.ts';
import type { CANCEL_REASON_CODES } from '../src/schemas/meeting-changes.ts';
import type { USAGE_THRESHOLDS } from '../src/schemas/usage-threshold.ts';

// ajv-formats is CommonJS with `exports.default`; under NodeNext TypeScript types the default
// import as the whole module, while Node hands over module.exports, the plugin function itself.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

/** Configured as the platform does: Ajv 8 defaults (strict mode on) plus ajv-formats. */
const ajv = new Ajv();
addFormats(ajv);
const validators = new Map<EventType, ValidateFunction>(
  EVENT_TYPES.map((type) => [type, ajv.compile(schemaFor(type) as object)]),
);

function validate(type: EventType, data: unknown): boolean {
  return (validators.get(type) as ValidateFunction)(data);
}

const clone = <T>(value: T): T => structuredClone(value);
const SEEDS = Array.from({ length: 60 }, (_, i) => i * 7919 + 1);

describe('catalogue', () => {
  it('has an entry with description, schema and example for every event type', () => {
    expect(Object.keys(catalogue).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const info = catalogue[type];
      expect(info.type).toBe(type);
      expect(info.description.startsWith(`${type}: `)).toBe(true);
      expect(info.schema).toBe(schemaFor(type));
      expect(info.example).toBeDefined();
    }
  });

  it('describes call.ended with its outcomes', () => {
    expect(catalogue['call.ended'].description).toContain('booked, disqualified, voicemail, no_answer');
  });

  it('each example validates against its schema', () => {
    for (const type of EVENT_TYPES) {
      expect(
        validate(type, catalogue[type].example),
        `${type}: ${ajv.errorsText(validators.get(type)?.errors)}`,
      ).toBe(true);
    }
  });

  it('sampleData validates for many seeds', () => {
    for (const type of EVENT_TYPES) {
      for (const seed of SEEDS) {
        const data = sampleData(type, { seed });
        expect(
          validate(type, data),
          `${type} seed ${seed}: ${ajv.errorsText(validators.get(type)?.errors)}`,
        ).toBe(true);
      }
    }
  });

  it('examples carry exactly the properties their schema lists, at every level', () => {
    // Samples are type-checked against types.ts, so this ties the schemas to the interfaces.
    const check = (schema: Record<string, unknown>, value: Record<string, unknown>, path: string) => {
      const properties = schema.properties as Record<string, Record<string, unknown>>;
      expect(Object.keys(value).sort(), path).toEqual(Object.keys(properties).sort());
      for (const [key, sub] of Object.entries(properties)) {
        if (sub.type === 'object') check(sub, value[key] as Record<string, unknown>, `${path}.${key}`);
      }
    };
    for (const type of EVENT_TYPES) {
      check(schemaFor(type) as Record<string, unknown>, catalogue[type].example as never, type);
    }
  });
});

describe('schemas', () => {
  it('accept a payload with unknown fields, at the top and inside nested objects', () => {
    const data = clone(catalogue['meeting.booked'].example) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    data.sentiment = { score: 0.8 };
    (data.lead as Record<string, unknown>).linkedin_url = 'https://www.linkedin.example/in/someone';
    (data.meeting?.owner as Record<string, unknown>).calendar_id = 'cal_1';
    expect(validate('meeting.booked', data)).toBe(true);
  });

  it('reject a payload missing a required field', () => {
    for (const type of EVENT_TYPES) {
      const data = clone(catalogue[type].example) as unknown as Record<string, unknown>;
      delete data[Object.keys(data)[0] as string];
      expect(validate(type, data), type).toBe(false);
    }
    const noLeadPhone = clone(catalogue['call.started'].example);
    delete (noLeadPhone.lead as Partial<typeof noLeadPhone.lead>).phone;
    expect(validate('call.started', noLeadPhone)).toBe(false);
  });

  it('allow the one optional field to be absent and nullable fields to be null', () => {
    const data = clone(catalogue['call.ended'].example);
    delete data.lead.title;
    Object.assign(data, { summary: null, transcript_url: null, recording_url: null });
    Object.assign(data.lead, { email: null, company: null, campaign: null });
    expect(validate('call.ended', data)).toBe(true);
  });

  it('reject wrong enum values', () => {
    const wrong: Array<[EventType, (data: Record<string, unknown>) => void]> = [
      ['call.ended', (d) => (d.outcome = 'hung_up')],
      ['call.started', (d) => (d.direction = 'sideways')],
      ['usage.threshold', (d) => (d.threshold_percent = 80)],
      ['meeting.canceled', (d) => (d.reason_code = 'weather')],
      ['meeting.rescheduled', (d) => (d.rescheduled_by = 'assistant')],
      ['lead.disqualified', (d) => (d.reasons = [{ code: 'too_small', note: null }])],
      ['lead.disqualified', (d) => (d.reasons = [])],
      ['meeting.completed', (d) => (d.outcome = 'late')],
      ['call.ended', (d) => ((d.lead as { score: number }).score = 101)],
      ['call.ended', (d) => ((d.lead as { score: number }).score = 4.5)],
    ];
    for (const [type, mutate] of wrong) {
      const data = clone(catalogue[type].example) as unknown as Record<string, unknown>;
      mutate(data);
      expect(validate(type, data), type).toBe(false);
    }
  });

  it('reject wrong formats and types', () => {
    const cases: Array<[EventType, (data: Record<string, unknown>) => void]> = [
      ['call.ended', (d) => (d.ended_at = 'yesterday')],
      ['call.ended', (d) => (d.transcript_url = 'not a url')],
      ['call.ended', (d) => (d.duration_seconds = '300')],
      ['call.ended', (d) => (d.summary = 42)],
      ['meeting.booked', (d) => ((d.meeting as { owner: { email: string } }).owner.email = 'ae-at-example')],
      ['call.started', (d) => ((d.lead as { email: string }).email = 'nobody')],
      ['trial.ending', (d) => (d.upgrade_url = null)],
    ];
    for (const [type, mutate] of cases) {
      const data = clone(catalogue[type].example) as unknown as Record<string, unknown>;
      mutate(data);
      expect(validate(type, data), type).toBe(false);
    }
  });

  it('share the lead, agent, meeting and owner sub-schemas rather than copying them', () => {
    const props = (type: EventType) =>
      (schemaFor(type) as { properties: Record<string, unknown> }).properties;
    expect(props('call.started').lead).toBe(props('meeting.canceled').lead);
    expect(props('call.ended').agent).toBe(props('lead.disqualified').agent);
    expect(props('meeting.booked').meeting).toBe(props('meeting.rescheduled').meeting);
  });

  it('enums match the union types of types.ts', () => {
    expectTypeOf<(typeof CALL_OUTCOMES)[number]>().toEqualTypeOf<CallOutcome>();
    expectTypeOf<(typeof CANCEL_REASON_CODES)[number]>().toEqualTypeOf<MeetingCanceledData['reason_code']>();
    expectTypeOf<(typeof DISQUALIFICATION_REASON_CODES)[number]>().toEqualTypeOf<
      LeadDisqualifiedData['reasons'][number]['code']
    >();
    expectTypeOf<(typeof USAGE_THRESHOLDS)[number]>().toEqualTypeOf<
      UsageThresholdData['threshold_percent']
    >();
  });
});

describe('versions', () => {
  it('lists the current version, with a changelog entry for each', () => {
    expect(SCHEMA_VERSIONS).toContain(SCHEMA_VERSION);
    expect(CHANGELOG.map((entry) => entry.version).sort()).toEqual([...SCHEMA_VERSIONS].sort());
    for (const entry of CHANGELOG) {
      expect(entry.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(entry.changes.length).toBeGreaterThan(0);
    }
  });

  it('schemaFor answers undefined for an unknown version or type', () => {
    expect(schemaFor('call.ended', '2025-01-01')).toBeUndefined();
    expect(schemaFor('call.ended', 'constructor')).toBeUndefined();
    expect(schemaFor('call.exploded' as EventType)).toBeUndefined();
    expect(schemaFor('call.ended', SCHEMA_VERSION)).toBe(schemaFor('call.ended'));
  });

  it('every schema declares draft-07', () => {
    for (const type of EVENT_TYPES) {
      expect((schemaFor(type) as { $schema: string }).$schema).toBe(
        'http://json-schema.org/draft-07/schema#',
      );
    }
  });
});
