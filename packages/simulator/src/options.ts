import { parseArgs } from 'node:util';
import { LEAD_CAMPAIGNS, LEAD_SOURCES, parseDuration } from '@bookflow/events';
import { evenMix, type Mix, parseMix } from './mix.ts';

export interface SimulationOptions {
  seed: number;
  /** Outbound calls started per simulated second, on average (a Poisson process). */
  rate: number;
  /** How long the agent places calls, in simulated time (ms). */
  durationMs: number;
  /** Leads in the account's lists; each is called up to 3 times until it books or is disqualified. */
  leads: number;
  sources: Mix<string | null>;
  campaigns: Mix<string | null>;
  /** The simulated clock's start. Fixed by default, so the seed alone fixes the event stream. */
  start: Date;
  /**
   * Keep the clock running after the calling window until every booked meeting has been moved,
   * canceled or completed (meetings are days ahead, so this part runs without pacing).
   */
  drain: boolean;
}

export interface RunOptions extends SimulationOptions {
  url: string;
  apiKey: string | null;
  /** Simulated seconds per real second during the calling window; Infinity: as fast as the platform takes them. */
  speed: number;
  concurrency: number;
  /** Generate and summarise, send nothing. */
  dryRun: boolean;
  quiet: boolean;
}

/** A Tuesday, 9:00 in New York: a working day starts, and the week has room for meetings. */
export const DEFAULT_START = new Date('2026-09-01T13:00:00.000Z');

export const DEFAULTS: Omit<RunOptions, 'apiKey'> = {
  seed: 1,
  rate: 2,
  durationMs: 10 * 60_000,
  leads: 20_000,
  sources: evenMix(LEAD_SOURCES),
  // Three leads in ten come from no campaign, as in the samples.
  campaigns: {
    items: [...evenMix(LEAD_CAMPAIGNS).items, { value: null, weight: 12 / 7 }],
    total: 4 + 12 / 7,
  },
  start: DEFAULT_START,
  drain: true,
  url: 'http://localhost:8080',
  speed: 60,
  concurrency: 16,
  dryRun: false,
  quiet: false,
};

export const USAGE = `npm run simulate -- [options]

Drives a running BookFlow platform with realistic voice-agent traffic (seeded: the same seed gives
the same events). Publishes with an API key; a test key (bfk_test_…) keeps it all in test mode.

  --url URL               platform base URL (BOOKFLOW_URL; default ${DEFAULTS.url})
  --key KEY               API key (BOOKFLOW_API_KEY); not needed with --dry-run
  --seed N                random seed (default ${DEFAULTS.seed})
  --rate N                calls started per simulated second (default ${DEFAULTS.rate})
  --duration D            calling window in simulated time: 30s, 10m, 8h (default 10m)
  --speed N|max           simulated seconds per real second (default ${DEFAULTS.speed}); max: no pacing
  --leads N               leads in the lists (default ${DEFAULTS.leads})
  --sources MIX           lead sources, e.g. website_form=3,webinar=1 (default: the catalogue's, evenly)
  --campaigns MIX         campaigns, e.g. "Spring webinar follow-up=2,none=1" (none: no campaign)
  --start ISO|now         simulated start (default ${DEFAULT_START.toISOString()}, a Tuesday morning)
  --no-drain              stop at the end of the calling window (meetings still ahead emit nothing)
  --concurrency N         requests in flight (default ${DEFAULTS.concurrency})
  --dry-run               generate and summarise without sending (prints the stream's hash)
  --quiet                 no progress lines
  --help`;

function positive(text: string, what: string, integer = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`--${what} must be a positive ${integer ? 'integer' : 'number'}, not "${text}"`);
  }
  return n;
}

/** Reads the command line (and BOOKFLOW_URL, BOOKFLOW_API_KEY); throws an Error saying what to fix. */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = process.env): RunOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      url: { type: 'string' },
      key: { type: 'string' },
      seed: { type: 'string' },
      rate: { type: 'string' },
      duration: { type: 'string' },
      speed: { type: 'string' },
      leads: { type: 'string' },
      sources: { type: 'string' },
      campaigns: { type: 'string' },
      start: { type: 'string' },
      'no-drain': { type: 'boolean' },
      concurrency: { type: 'string' },
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const seed = values.seed === undefined ? DEFAULTS.seed : Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`--seed must be a whole number, not "${values.seed}"`);
  const start =
    values.start === undefined
      ? DEFAULTS.start
      : values.start === 'now'
        ? new Date()
        : new Date(values.start);
  if (Number.isNaN(start.getTime()))
    throw new Error(`--start must be an ISO 8601 time or "now", not "${values.start}"`);
  const dryRun = values['dry-run'] ?? false;
  const apiKey = values.key ?? env.BOOKFLOW_API_KEY ?? null;
  if (!dryRun && !apiKey)
    throw new Error('give an API key: --key bfk_test_… or BOOKFLOW_API_KEY (or use --dry-run)');
  const url = values.url ?? env.BOOKFLOW_URL ?? DEFAULTS.url;
  if (!/^https?:\/\//.test(url)) throw new Error(`--url must be an http(s) URL, not "${url}"`);
  let durationMs = DEFAULTS.durationMs;
  if (values.duration !== undefined) {
    try {
      durationMs = parseDuration(values.duration);
    } catch (err) {
      throw new Error(`--duration: ${(err as Error).message}`);
    }
  }
  return {
    seed,
    rate: values.rate === undefined ? DEFAULTS.rate : positive(values.rate, 'rate'),
    durationMs,
    leads: values.leads === undefined ? DEFAULTS.leads : positive(values.leads, 'leads', true),
    sources: values.sources === undefined ? DEFAULTS.sources : parseMix(values.sources, '--sources'),
    campaigns:
      values.campaigns === undefined ? DEFAULTS.campaigns : parseMix(values.campaigns, '--campaigns'),
    start,
    drain: !(values['no-drain'] ?? false),
    url: url.replace(/\/+$/, ''),
    apiKey,
    speed:
      values.speed === undefined
        ? DEFAULTS.speed
        : values.speed === 'max'
          ? Infinity
          : positive(values.speed, 'speed'),
    concurrency:
      values.concurrency === undefined
        ? DEFAULTS.concurrency
        : positive(values.concurrency, 'concurrency', true),
    dryRun,
    quiet: values.quiet ?? false,
  };
}
