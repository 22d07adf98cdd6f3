import type { RunOptions } from './options.ts';
import { Publisher, type PublishFailure } from './publisher.ts';
import { type SimEvent, Simulation, streamHash } from './story.ts';
import { Tally } from './summary.ts';

export interface RunReport {
  tally: Tally;
  /** SHA-256 of the generated stream: the same options give the same hash. */
  hash: string;
  sent: number;
  failures: Array<PublishFailure & { type: string }>;
  skippedCalls: number;
  simulatedFrom: Date;
  simulatedTo: Date;
  realMs: number;
}

export interface RunOutput {
  /** A progress line, about once a second. */
  progress(line: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Plays the stream against the platform. During the calling window the simulated clock runs at
 * `speed` simulated seconds per real second (each event waits for its moment); after it, meetings
 * days ahead are played without pacing. Requests overlap up to `concurrency`, but each lead's
 * events go out one after the other, in order, as a real agent would send them.
 */
export async function runSimulation(options: RunOptions, output: RunOutput): Promise<RunReport> {
  const simulation = new Simulation(options);
  const publisher = options.dryRun ? null : new Publisher(options.url, options.apiKey!, options.seed);
  const hash = streamHash();
  const tally = new Tally();
  const failures: RunReport['failures'] = [];
  const inFlight = new Set<Promise<void>>();
  const lastOfLead = new Map<string, Promise<void>>();
  const simStart = options.start.getTime();
  const callingEnd = simulation.callingEndsAt.getTime();
  const realStart = performance.now();
  let sent = 0;
  let seq = 0;
  let simNow = options.start;

  const timer = setInterval(() => {
    const seconds = (performance.now() - realStart) / 1000;
    output.progress(
      `[sim ${simNow.toISOString().replace('.000', '')}] ${tally.events} events, ${sent} sent, ` +
        `${failures.length} failed, ${inFlight.size} in flight, ${Math.round(sent / Math.max(seconds, 0.001))}/s`,
    );
  }, 1000);
  timer.unref();

  const send = (event: SimEvent, n: number, previous: Promise<void> | undefined) => async () => {
    if (previous) await previous;
    const failure = await publisher!.publish(event, n);
    if (failure) failures.push({ ...failure, type: event.type });
    else sent++;
  };

  try {
    for (const event of simulation.events()) {
      hash.add(event);
      tally.add(event);
      simNow = event.at;
      if (!publisher) continue;
      const at = event.at.getTime();
      if (Number.isFinite(options.speed) && at <= callingEnd) {
        const wait = realStart + (at - simStart) / options.speed - performance.now();
        if (wait > 0) await sleep(wait);
      }
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      const p = send(event, seq++, lastOfLead.get(event.leadId))();
      lastOfLead.set(event.leadId, p);
      inFlight.add(p);
      void p.then(() => {
        inFlight.delete(p);
        if (lastOfLead.get(event.leadId) === p) lastOfLead.delete(event.leadId);
      });
    }
    await Promise.all(inFlight);
  } finally {
    clearInterval(timer);
  }
  return {
    tally,
    hash: hash.digest(),
    sent,
    failures,
    skippedCalls: simulation.skippedCalls,
    simulatedFrom: options.start,
    simulatedTo: simNow,
    realMs: performance.now() - realStart,
  };
}
