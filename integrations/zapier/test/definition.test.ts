import { catalogue, EVENT_TYPES } from '@bookflow/events';
import { describe, expect, it } from 'vitest';
import zapier from 'zapier-platform-core';
import schema from 'zapier-platform-schema';
import { schemaFields } from '../../shared/schema-fields.ts';
import App from '../src/index.ts';
import { triggerKey } from '../src/triggers/event-trigger.ts';

type Trigger = {
  display: { label: string; hidden?: boolean };
  operation: {
    type?: string;
    outputFields: { key: string; label: string; type?: string; list?: boolean }[];
    sample: Record<string, unknown>;
  };
};
const triggers = App.triggers as unknown as Record<string, Trigger>;

describe('the Zapier app definition', () => {
  it('validates with zapier-platform-schema, as `zapier validate` checks it', async () => {
    // The command handler serialises the functions exactly as the CLI does before validating.
    // createAppHandler is what the CLI runs (`zapier validate`); zapier-platform-core's types omit it.
    const { createAppHandler } = zapier as unknown as {
      createAppHandler(app: object): (event: object) => Promise<{ results: unknown }>;
    };
    const handler = createAppHandler(App);
    const validated = await handler({ command: 'validate' });
    expect(validated.results).toEqual([]);
    const definition = (await handler({ command: 'definition' })).results as object;
    const direct = schema.validateAppDefinition(definition);
    expect(direct.errors.map((e: { stack: string }) => e.stack)).toEqual([]);
    // and a broken definition is refused, so the check above can fail
    const broken = structuredClone(definition) as { triggers: Record<string, { key: string }> };
    broken.triggers.meeting_booked!.key = 'meeting.booked';
    expect(schema.validateAppDefinition(broken).errors.length).toBeGreaterThan(0);
  });

  it('has one instant trigger per event type of the catalogue, plus the hidden endpoint list', () => {
    const visible = Object.entries(triggers).filter(([, t]) => !t.display.hidden);
    expect(visible.map(([key]) => key).sort()).toEqual(EVENT_TYPES.map(triggerKey).sort());
    for (const [, trigger] of visible) expect(trigger.operation.type).toBe('hook');
    expect(triggers.meeting_booked!.display.label).toBe('Meeting Booked');
    expect(triggers.endpoint_list!.display.hidden).toBe(true);
  });

  it("declares every leaf of each type's JSON Schema as a labelled, typed output field", () => {
    for (const type of EVENT_TYPES) {
      const fields = triggers[triggerKey(type)]!.operation.outputFields;
      const keys = fields.map((f) => f.key);
      expect(new Set(keys).size, `${type}: keys are unique`).toBe(keys.length);
      for (const leaf of schemaFields(catalogue[type].schema)) {
        const field = fields.find((f) => f.key === leaf.path.join('__'));
        expect(field, `${type}: ${leaf.path.join('.')}`).toBeDefined();
        expect(field!.label).toBe(leaf.label);
        expect(field!.type).toBe(leaf.type);
        expect(Boolean(field!.list)).toBe(leaf.list);
      }
      // the sample shows exactly the declared fields
      expect(Object.keys(triggers[triggerKey(type)]!.operation.sample).sort()).toEqual([...keys].sort());
    }
  });

  it('labels the fields a revenue team maps, with meeting times in the meeting time zone', () => {
    const fields = triggers.meeting_booked!.operation.outputFields;
    const label = (key: string) => fields.find((f) => f.key === key)?.label;
    expect(label('lead__name')).toBe('Lead Name');
    expect(label('lead__email')).toBe('Lead Email');
    expect(label('lead__phone')).toBe('Lead Phone');
    expect(label('lead__source')).toBe('Lead Source');
    expect(label('lead__campaign')).toBe('Lead Campaign');
    expect(label('meeting__owner__email')).toBe('Meeting Owner Email');
    expect(label('summary')).toBe('Summary');
    expect(label('transcript_url')).toBe('Transcript URL');
    expect(label('meeting__start_at_local')).toBe('Meeting Start At (Local Time)');
    const sample = triggers.meeting_booked!.operation.sample;
    // the example meeting starts 2026-04-13T18:00Z, booked in America/Chicago (CDT, UTC-5)
    expect(sample.meeting__start_at).toBe('2026-04-13T18:00:00.000Z');
    expect(sample.meeting__start_at_local).toBe('Monday, April 13, 2026 at 1:00 PM CDT');
    // 2026-09-01: reasons are a list of { code, note } (they were reason_codes, a list of strings).
    const reasons = triggers.lead_disqualified!.operation.outputFields.find((f) => f.key === 'reasons');
    expect(reasons).toMatchObject({ label: 'Reasons', list: true });
  });
});
