import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type EventType, localDate, schemaFor } from '@bookflow/events';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseOptions, type SimulationOptions } from '../src/options.ts';
import { type SimEvent, Simulation, streamHash } from '../src/story.ts';

// ajv-formats is CommonJS with `exports.default` (as in the events package's tests).
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

const options = (overrides: Partial<SimulationOptions> = {}): SimulationOptions => ({
  ...DEFAULTS,
  seed: 7,
  rate: 2,
  durationMs: 10 * 60_000,
  leads: 3000,
  ...overrides,
});

function run(o: SimulationOptions): { events: SimEvent[]; hash: string } {
  const hash = streamHash();
  const events = [...new Simulation(o).events()];
  for (const e of events) hash.add(e);
  return { events, hash: hash.digest() };
}

const count = (events: SimEvent[], pred: (e: SimEvent) => boolean) => events.filter(pred).length;

describe('the simulated stream', () => {
  const day = run(options());

  it('is the same for the same seed, and another for another seed', () => {
    expect(run(options()).hash).toBe(day.hash);
    expect(run(options({ seed: 8 })).hash).not.toBe(day.hash);
    expect(run(options({ rate: 3 })).hash).not.toBe(day.hash);
  });

  it('is the same from the command line, in another process', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'packages/simulator/src/main.ts',
        '--dry-run',
        '--quiet',
        '--seed',
        '7',
        '--rate',
        '2',
        '--leads',
        '3000',
      ],
      { cwd: new URL('../../../', import.meta.url).pathname },
    );
    expect(stdout).toContain(`stream sha256 ${day.hash} (seed 7)`);
    expect(stdout).toMatch(/^call\.started\s+\d+$/m);
  });

  it('every payload is valid against its type schema in the catalogue', () => {
    const ajv = new Ajv({ allErrors: true });
    addFormats(ajv);
    const validators = new Map<string, ReturnType<typeof ajv.compile>>();
    const types = new Set(day.events.map((e) => e.type));
    expect([...types].sort()).toEqual(
      [
        'call.connected',
        'call.ended',
        'call.started',
        'lead.disqualified',
        'meeting.booked',
        'meeting.canceled',
        'meeting.completed',
        'meeting.rescheduled',
      ].sort(),
    );
    for (const type of types) validators.set(type, ajv.compile(schemaFor(type as EventType)!));
    for (const event of day.events) {
      const validate = validators.get(event.type)!;
      expect(validate(event.data), `${event.type}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('comes in time order, each lead in story order, with realistic proportions', () => {
    const times = day.events.map((e) => e.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const calls = new Map<string, string[]>();
    for (const e of day.events) {
      const id = (e.data as { call_id?: string | null }).call_id;
      if (id && e.type.startsWith('call.')) calls.set(id, [...(calls.get(id) ?? []), e.type]);
    }
    for (const story of calls.values()) {
      expect(story[0]).toBe('call.started');
      expect(story.at(-1)).toBe('call.ended');
    }
    const ended = day.events.filter((e): e is SimEvent<'call.ended'> => e.type === 'call.ended');
    const outbound = ended.filter((e) => e.data.direction === 'outbound');
    const share = (outcome: string) =>
      count(outbound, (e) => (e as SimEvent<'call.ended'>).data.outcome === outcome) / outbound.length;
    expect(share('no_answer')).toBeGreaterThan(0.33);
    expect(share('no_answer')).toBeLessThan(0.47);
    expect(share('voicemail')).toBeGreaterThan(0.21);
    expect(share('voicemail')).toBeLessThan(0.35);
    expect(share('booked')).toBeGreaterThan(0.08);
    expect(share('booked')).toBeLessThan(0.18);
    // About ten minutes at two calls a second.
    expect(ended.length).toBeGreaterThan(1000);
    expect(ended.length).toBeLessThan(1400);
  });

  it('books meetings in business hours, and completes each one after its time, once', () => {
    const booked = new Map<string, SimEvent<'meeting.booked'>>();
    const ended = new Set<string>();
    for (const e of day.events) {
      if (e.type === 'meeting.booked')
        booked.set((e as SimEvent<'meeting.booked'>).data.meeting.id, e as SimEvent<'meeting.booked'>);
      if (e.type === 'meeting.booked' || e.type === 'meeting.rescheduled') {
        const { meeting } = (e as SimEvent<'meeting.booked'>).data;
        const start = new Date(meeting.start_at);
        const local = localDate(meeting.timezone, start);
        expect([1, 2, 3, 4, 5]).toContain(local.weekday);
        expect(start.getTime()).toBeGreaterThan(e.at.getTime());
        const hour = Number(
          new Intl.DateTimeFormat('en-US', {
            timeZone: meeting.timezone,
            hour: 'numeric',
            hourCycle: 'h23',
          }).format(start),
        );
        expect(hour).toBeGreaterThanOrEqual(9);
        expect(hour).toBeLessThanOrEqual(16);
      }
      if (
        e.type === 'meeting.canceled' ||
        e.type === 'meeting.completed' ||
        e.type === 'meeting.rescheduled'
      ) {
        const { meeting } = (e as SimEvent<'meeting.completed'>).data;
        expect(booked.has(meeting.id), `${e.type} of a meeting never booked`).toBe(true);
        expect(ended.has(meeting.id), `${e.type} after the meeting ended`).toBe(false);
        if (e.type !== 'meeting.rescheduled') ended.add(meeting.id);
        if (e.type === 'meeting.completed')
          expect(e.at.getTime()).toBeGreaterThan(Date.parse(meeting.end_at));
      }
    }
    // Every booked meeting ends canceled or completed when the clock runs until they have passed.
    expect([...booked.keys()].every((id) => ended.has(id))).toBe(true);
    const completed = day.events.filter(
      (e): e is SimEvent<'meeting.completed'> => e.type === 'meeting.completed',
    );
    const held =
      count(completed, (e) => (e as SimEvent<'meeting.completed'>).data.outcome === 'held') /
      completed.length;
    expect(held).toBeGreaterThan(0.65);
    expect(held).toBeLessThan(0.9);
  });

  it('a 10-minute simulated day at 20 calls/s: 12,000 calls, every one placed, the same twice', () => {
    const full = options({ seed: 2026, rate: 20, leads: 15_000 });
    const simulation = new Simulation(full);
    const hash = streamHash();
    let calls = 0;
    for (const event of simulation.events()) {
      hash.add(event);
      if (event.type === 'call.started') calls++;
    }
    expect(simulation.skippedCalls).toBe(0);
    expect(calls).toBeGreaterThan(11_400);
    expect(calls).toBeLessThan(12_600);
    expect(run(full).hash).toBe(hash.digest());
  }, 120_000);

  it('without drain, stops when the calling window ends', () => {
    const short = run(options({ drain: false }));
    const end = options().start.getTime() + options().durationMs;
    expect(short.events.every((e) => e.at.getTime() <= end)).toBe(true);
    expect(count(short.events, (e) => e.type === 'meeting.completed')).toBe(0);
  });

  it('follows the source and campaign mixes', () => {
    const o = parseOptions([
      '--dry-run',
      '--sources',
      'website_form=3,webinar=1',
      '--campaigns',
      'Spring=1,none=1',
    ]);
    if (o === 'help') throw new Error('unexpected');
    const { events } = run({ ...o, durationMs: 10 * 60_000, rate: 2, leads: 3000 });
    const started = events.filter((e) => e.type === 'call.started');
    const web = count(started, (e) => e.source === 'website_form');
    expect(web + count(started, (e) => e.source === 'webinar')).toBe(started.length);
    expect(web / started.length).toBeGreaterThan(0.68);
    expect(web / started.length).toBeLessThan(0.82);
    expect(new Set(started.map((e) => e.campaign))).toEqual(new Set(['Spring', null]));
  });
});

describe('simulator options', () => {
  it('reads every option and refuses bad values with a message that says what to write', () => {
    const o = parseOptions(
      [
        '--key',
        'bfk_test_x',
        '--seed',
        '3',
        '--rate',
        '20',
        '--duration',
        '1h',
        '--speed',
        'max',
        '--leads',
        '10',
        '--no-drain',
        '--start',
        '2026-10-01T12:00:00Z',
      ],
      {},
    );
    expect(o).toMatchObject({
      seed: 3,
      rate: 20,
      durationMs: 3_600_000,
      speed: Infinity,
      leads: 10,
      drain: false,
      apiKey: 'bfk_test_x',
    });
    expect(() => parseOptions([], {})).toThrow(/API key/);
    expect(() => parseOptions(['--dry-run', '--duration', '10'], {})).toThrow(/--duration: "10" has no unit/);
    expect(() => parseOptions(['--dry-run', '--rate', '0'], {})).toThrow(/--rate must be a positive number/);
    expect(() => parseOptions(['--dry-run', '--sources', 'a=x'], {})).toThrow(/--sources: the weight of "a"/);
    expect(() => parseOptions(['--dry-run', '--bogus'], {})).toThrow();
    expect(parseOptions(['--help'], {})).toBe('help');
  });

  it('any text given to any option either parses or is refused with an Error, never a crash', () => {
    const names = [
      '--seed',
      '--rate',
      '--duration',
      '--speed',
      '--leads',
      '--sources',
      '--campaigns',
      '--start',
      '--concurrency',
      '--url',
    ];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ unit: 'binary', maxLength: 40 }), (name, value) => {
        try {
          const o = parseOptions(['--dry-run', `${name}=${value}`], {});
          if (o === 'help') return;
          expect(o.rate).toBeGreaterThan(0);
          expect(Number.isNaN(o.start.getTime())).toBe(false);
          expect(o.sources.total).toBeGreaterThan(0);
        } catch (err) {
          expect(err).toBeInstanceOf(Error);
          expect((err as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
