import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CHANGELOG,
  catalogue,
  catalogueFor,
  convertEnvelope,
  EVENT_TYPES,
  type EventDataByVersion,
  type EventType,
  eventTypesIn,
  SCHEMA_VERSION,
  SCHEMA_VERSIONS,
  type SchemaVersion,
  sampleEnvelope,
  sampleVersionedEnvelope,
  schemaFor,
  supportedUntil,
  versionIntroducing,
} from '../src/index.ts';

const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv();
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();
function validator(type: EventType, version: SchemaVersion): ValidateFunction {
  const key = `${version} ${type}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schemaFor(type, version) as object);
    compiled.set(key, validate);
  }
  return validate;
}

const SEEDS = Array.from({ length: 40 }, (_, i) => i * 104729 + 3);
const NOW = new Date('2026-10-02T09:15:00.000Z');

/** Freezes a value deeply, so a conversion that writes to its input throws. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function down(type: EventType, version: SchemaVersion, seed: number) {
  const envelope = deepFreeze(sampleEnvelope(type, { seed, now: NOW }));
  return { envelope, converted: convertEnvelope(envelope, version) };
}

describe('down-conversion', () => {
  it('every example of every type validates against its version schema after conversion', () => {
    for (const version of SCHEMA_VERSIONS) {
      for (const type of eventTypesIn(version)) {
        const validate = validator(type, version);
        for (const seed of SEEDS) {
          const { converted } = down(type, version, seed);
          if (!converted.ok) throw new Error(`${type} → ${version}: ${converted.reason}`);
          expect(converted.envelope.schema_version).toBe(version);
          expect(
            validate(converted.envelope.data),
            `${version} ${type} seed ${seed}: ${ajv.errorsText(validate.errors)}`,
          ).toBe(true);
        }
        const example = catalogueFor(version).find((entry) => entry.type === type);
        expect(validate(example?.example), `${version} ${type} catalogue example`).toBe(true);
      }
    }
  });

  it('a newest payload does not pass the 2026-04-10 schema of lead.disqualified unconverted (the change is breaking)', () => {
    const data = sampleEnvelope('lead.disqualified', { seed: 1 }).data;
    expect(validator('lead.disqualified', '2026-04-10')(data)).toBe(false);
  });

  it('to 2026-04-10: no lead.score anywhere, reason_codes from the reasons in order, everything else unchanged', () => {
    for (const seed of SEEDS) {
      const envelope = deepFreeze(sampleEnvelope('lead.disqualified', { seed, now: NOW }));
      const converted = convertEnvelope(envelope, '2026-04-10');
      if (!converted.ok) throw new Error(converted.reason);
      const { reasons, lead, ...rest } = envelope.data;
      const { score: _score, ...oldLead } = lead;
      expect(converted.envelope.data).toEqual({
        ...rest,
        lead: oldLead,
        reason_codes: reasons.map((reason) => reason.code),
      });
      expect({ ...converted.envelope, data: null }).toEqual({
        ...envelope,
        data: null,
        schema_version: '2026-04-10',
      });
    }
    for (const type of eventTypesIn('2026-04-10')) {
      const { converted } = down(type, '2026-04-10', 7);
      if (!converted.ok) throw new Error(converted.reason);
      expect(JSON.stringify(converted.envelope.data)).not.toContain('"score"');
    }
  });

  it('a repeated reason code appears once in reason_codes', () => {
    const envelope = sampleEnvelope('lead.disqualified', { seed: 2 });
    envelope.data.reasons = [
      { code: 'no_budget', note: 'a' },
      { code: 'no_budget', note: 'b' },
      { code: 'bad_timing', note: null },
    ];
    const converted = convertEnvelope(envelope, '2026-04-10');
    expect(converted.ok && converted.envelope.data).toMatchObject({
      reason_codes: ['no_budget', 'bad_timing'],
    });
  });

  it('to the newest version is the identity', () => {
    for (const type of EVENT_TYPES) {
      const { envelope, converted } = down(type, SCHEMA_VERSION, 9);
      expect(converted).toEqual({ ok: true, envelope });
    }
  });

  it('meeting.completed cannot go below 2026-09-01, and says which version it needs', () => {
    const { converted } = down('meeting.completed', '2026-04-10', 1);
    expect(converted).toEqual({
      ok: false,
      reason: 'type_not_in_version',
      type: 'meeting.completed',
      introducedIn: '2026-09-01',
    });
    expect(versionIntroducing('meeting.completed')).toBe('2026-09-01');
    expect(eventTypesIn('2026-04-10')).not.toContain('meeting.completed');
    expect(eventTypesIn('2026-09-01')).toEqual([...EVENT_TYPES]);
  });

  it('refuses unknown versions and types instead of guessing', () => {
    const envelope = sampleEnvelope('call.ended', { seed: 1 });
    expect(convertEnvelope(envelope, '2025-01-01')).toEqual({
      ok: false,
      reason: 'unknown_version',
      version: '2025-01-01',
    });
    expect(convertEnvelope(envelope, 'constructor')).toMatchObject({ ok: false, reason: 'unknown_version' });
    expect(convertEnvelope({ ...envelope, schema_version: '2027-01-15' }, '2026-04-10')).toMatchObject({
      ok: false,
      reason: 'unknown_version',
    });
    expect(convertEnvelope({ ...envelope, type: 'call.exploded' }, '2026-04-10')).toEqual({
      ok: false,
      reason: 'unknown_type',
      type: 'call.exploded',
    });
  });

  it('never throws on hostile data shapes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...EVENT_TYPES),
        fc.anything(),
        fc.constantFrom(...SCHEMA_VERSIONS),
        (type, data, to) => {
          for (const from of SCHEMA_VERSIONS) {
            const result = convertEnvelope(
              { type, schema_version: from, data: { lead: data, reasons: data, reason_codes: data } },
              to,
            );
            expect(typeof result.ok).toBe('boolean');
          }
        },
      ),
      // A list of reasons holding no object once threw (reason.code of undefined).
      { examples: [['lead.disqualified', [undefined], '2026-04-10']] },
    );
  });
});

describe('up-conversion (receiver handlers written for a newer version)', () => {
  it('2026-04-10 to 2026-09-01 gives a payload valid in 2026-09-01, score null and notes null', () => {
    for (const type of eventTypesIn('2026-04-10')) {
      for (const seed of SEEDS.slice(0, 10)) {
        const old = deepFreeze(sampleVersionedEnvelope(type, { seed, now: NOW, version: '2026-04-10' }));
        const converted = convertEnvelope(old, '2026-09-01');
        if (!converted.ok) throw new Error(converted.reason);
        const validate = validator(type, '2026-09-01');
        expect(validate(converted.envelope.data), `${type}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        const data = converted.envelope.data as EventDataByVersion['2026-09-01']['call.ended'];
        if ('lead' in data) expect(data.lead.score).toBeNull();
      }
    }
    const old = sampleVersionedEnvelope('lead.disqualified', { seed: 4, version: '2026-04-10' });
    const up = convertEnvelope(old, '2026-09-01');
    const codes = (old.data as unknown as EventDataByVersion['2026-04-10']['lead.disqualified']).reason_codes;
    expect(up.ok && up.envelope.data).toMatchObject({ reasons: codes.map((code) => ({ code, note: null })) });
  });
});

describe('catalogue per version and changelog', () => {
  it('serves each version its own types, schemas and examples', () => {
    expect(catalogueFor('2026-09-01').map((entry) => entry.type)).toEqual([...EVENT_TYPES]);
    const old = catalogueFor('2026-04-10');
    expect(old.map((entry) => entry.type)).not.toContain('meeting.completed');
    const disqualified = old.find((entry) => entry.type === 'lead.disqualified');
    expect(disqualified?.example).toHaveProperty('reason_codes');
    expect(disqualified?.example).not.toHaveProperty('reasons');
    expect(catalogueFor('2026-09-01').find((entry) => entry.type === 'meeting.completed')).toMatchObject({
      since: '2026-09-01',
      example: catalogue['meeting.completed'].example,
    });
  });

  it('dates each version, lists its changes and its support window (12 months after the next one)', () => {
    expect(CHANGELOG.map((entry) => entry.version)).toEqual(['2026-09-01', '2026-04-10']);
    const [newest, first] = CHANGELOG;
    expect(newest).toMatchObject({ date: '2026-09-01', supported_until: null });
    expect(newest?.changes.join('\n')).toMatch(/meeting\.completed/);
    expect(newest?.changes.join('\n')).toMatch(/score/);
    expect(newest?.changes.join('\n')).toMatch(/Breaking: lead\.disqualified replaces `reason_codes`/);
    expect(first).toMatchObject({ date: '2026-04-10', supported_until: '2027-09-01' });
    expect(supportedUntil('2026-04-10')).toBe('2027-09-01');
  });

  it('types a handler per version', () => {
    expectTypeOf<EventDataByVersion['2026-04-10']['lead.disqualified']>().toHaveProperty('reason_codes');
    expectTypeOf<EventDataByVersion['2026-09-01']['lead.disqualified']>().toHaveProperty('reasons');
    expectTypeOf<EventDataByVersion['2026-09-01']['call.ended']['lead']>().toHaveProperty('score');
  });
});
