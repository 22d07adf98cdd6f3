// Every flag of `npm run bench`, parsed once. Defaults finish in roughly ten minutes on a 2-core
// machine; each count can be scaled down (or up) from the command line. See bench/README.md.
import { parseArgs } from 'node:util';

export const BENCHMARKS = [
  'delivery',
  'publish',
  'e2e',
  'retries',
  'backlog',
  'receiver',
  'embedded',
  'noisy',
  'tracing',
  'scaleout',
] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: BENCHMARKS.join(',') },
    events: { type: 'string', default: '20000' },
    'fanout-events': { type: 'string' },
    endpoints: { type: 'string', default: '10' },
    baselines: { type: 'string', default: 'bare,bullmq,pg-boss' },
    'skip-concurrent': { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '5' },
    'publish-rate': { type: 'string', default: '1000' },
    'rate-seconds': { type: 'string', default: '10' },
    'retry-events': { type: 'string', default: '10000' },
    'retry-rate': { type: 'string', default: '500' },
    'retry-schedule': { type: 'string', default: '1s,1s,1s,1s,1s,1s' },
    backlog: { type: 'string', default: '0,100000,1000000' },
    'backlog-events': { type: 'string', default: '5000' },
    'receiver-rate': { type: 'string', default: '2000' },
    'e2e-rate': { type: 'string', default: '1000' },
    'e2e-seconds': { type: 'string', default: '30' },
    'e2e-warmup': { type: 'string', default: '5' },
    'embedded-events': { type: 'string', default: '5000' },
    'noisy-slow-events': { type: 'string', default: '2000' },
    'noisy-slow-ms': { type: 'string', default: '3000' },
    'noisy-backlog': { type: 'string', default: '100000' },
    'noisy-rate': { type: 'string', default: '1' },
    'noisy-seconds': { type: 'string', default: '30' },
    'noisy-accounts': { type: 'string', default: '50' },
    'noisy-per-account': { type: 'string', default: '100' },
    'noisy-replay': { type: 'string', default: '50000' },
    'tracing-rounds': { type: 'string', default: '2' },
    'scaleout-processes': { type: 'string', default: '1,2,4' },
    profile: { type: 'boolean', default: false },
    markdown: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function count(name: keyof typeof values, min = 1): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`--${name} must be an integer >= ${min}, got ${values[name]}`);
  return n;
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

const only = list(values.only);
for (const name of only) {
  if (!(BENCHMARKS as readonly string[]).includes(name))
    throw new Error(`--only: unknown benchmark "${name}" (known: ${BENCHMARKS.join(', ')})`);
}
const events = count('events');
const endpoints = count('endpoints');
const scaleoutProcesses = list(values['scaleout-processes']).map(Number);
if (!scaleoutProcesses.length || scaleoutProcesses.some((n) => !Number.isInteger(n) || n < 1))
  throw new Error('--scaleout-processes: integers >= 1, comma-separated (e.g. 1,2,4)');
const backlog = list(values.backlog).map(Number);
if (backlog.some((n) => !Number.isInteger(n) || n < 0))
  throw new Error('--backlog: integers >= 0, comma-separated');

export const args = {
  help: values.help,
  only: only as BenchmarkName[],
  /** Events delivered to one endpoint (benchmark 1). */
  events,
  endpoints,
  /** Events delivered to `endpoints` endpoints: by default as many deliveries in all as the 1-endpoint run. */
  fanoutEvents: values['fanout-events']
    ? count('fanout-events')
    : Math.max(1, Math.round(events / endpoints)),
  baselines: list(values.baselines),
  concurrent: !values['skip-concurrent'],
  /** Attempts in flight per worker, for the platform and every baseline alike. */
  concurrency: count('concurrency'),
  seconds: count('seconds'),
  publishRate: count('publish-rate'),
  rateSeconds: count('rate-seconds'),
  retryEvents: count('retry-events'),
  retryRate: count('retry-rate'),
  retrySchedule: values['retry-schedule'],
  backlog,
  backlogEvents: count('backlog-events'),
  receiverRate: count('receiver-rate'),
  /** Benchmark 10: the fixed publish rate and how long, end to end. */
  e2eRate: count('e2e-rate'),
  e2eSeconds: count('e2e-seconds'),
  e2eWarmup: count('e2e-warmup', 0),
  embeddedEvents: count('embedded-events'),
  /** Benchmark 7 (noisy neighbours): see bench/README.md. */
  noisySlowEvents: count('noisy-slow-events'),
  /** Benchmark 8: off/on pairs of runs. */
  tracingRounds: count('tracing-rounds'),
  /** Benchmark 9: how many worker processes, then API processes, share one database. */
  scaleoutProcesses,
  noisySlowMs: count('noisy-slow-ms', 0),
  noisyBacklog: count('noisy-backlog'),
  noisyRate: count('noisy-rate'),
  noisySeconds: count('noisy-seconds'),
  noisyAccounts: count('noisy-accounts', 2),
  noisyPerAccount: count('noisy-per-account'),
  noisyReplay: count('noisy-replay'),
  profile: values.profile,
  markdown: values.markdown,
};

export type Args = typeof args;
