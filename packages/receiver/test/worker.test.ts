import { afterEach, describe, expect, it } from 'vitest';
import {
  createReceiver,
  decideAfterFailure,
  MemoryStore,
  NonRetryableError,
  type Receiver,
} from '../src/index.ts';
import { createOnce } from '../src/ledger/once.ts';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { TestClock, waitFor } from './helpers/wait.ts';

describe('retry policy', () => {
  const policy = { delaysMs: [1000, 5000] };
  const now = new Date('2026-05-01T00:00:00Z');

  it('retries after each delay in turn, then dead-letters', () => {
    expect(decideAfterFailure(policy, 1, new Error('x'), now)).toEqual({
      action: 'retry',
      delayMs: 1000,
      runAt: new Date(now.getTime() + 1000),
    });
    expect(decideAfterFailure(policy, 2, new Error('x'), now)).toMatchObject({
      action: 'retry',
      delayMs: 5000,
    });
    expect(decideAfterFailure(policy, 3, new Error('x'), now)).toEqual({
      action: 'dead_letter',
      reason: 'attempts_exhausted',
    });
  });

  it('dead-letters a NonRetryableError at once', () => {
    expect(decideAfterFailure(policy, 1, new NonRetryableError('bad'), now)).toEqual({
      action: 'dead_letter',
      reason: 'non_retryable',
    });
  });
});

describe('ctx.once', () => {
  it('runs a step once, returns the stored result afterwards, and stores it as JSON', async () => {
    const store = new MemoryStore();
    let runs = 0;
    const once = createOnce(store.ledger, 'evt_1', () => new Date());
    const first = await once('crm', async (key) => {
      runs++;
      return { key, at: new Date('2026-01-01T00:00:00Z') };
    });
    const second = await once('crm', async () => {
      runs++;
      return { key: 'other', at: null };
    });
    expect(runs).toBe(1);
    expect(first).toEqual({ key: 'evt_1:crm', at: '2026-01-01T00:00:00.000Z' });
    expect(second).toEqual(first);
    // A step that throws records nothing and runs again next time.
    await expect(once('flaky', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await once('flaky', () => 'yes')).toBe('yes');
    // Another event's step of the same name is its own.
    expect(await createOnce(store.ledger, 'evt_2', () => new Date())('crm', () => 'evt_2 result')).toBe(
      'evt_2 result',
    );
  });
});

describe('worker', () => {
  let receiver: Receiver | undefined;
  afterEach(async () => {
    await receiver?.stop();
    receiver = undefined;
  });

  it('uses the injected clock for retries: nothing runs again until the clock reaches run_at', async () => {
    const clock = new TestClock();
    const store = new MemoryStore();
    receiver = createReceiver({
      store,
      secrets: [SECRET],
      clock: clock.now,
      retry: { delaysMs: [60_000] },
      worker: { pollIntervalMs: 10 },
    });
    let runs = 0;
    receiver.on('call.started', () => {
      runs++;
      if (runs === 1) throw new Error('first try fails');
    });
    await receiver.start();
    await receiver.handle(delivery('call.started', { deliveredAt: clock.now() }));
    await waitFor(() => runs === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(runs).toBe(1);
    clock.advance(60_000);
    await waitFor(() => runs === 2, { what: 'the retry' });
    await waitFor(async () => (await store.depth()).queued + (await store.depth()).running === 0);
  });

  it('graceful shutdown waits for a running handler to finish', async () => {
    const store = new MemoryStore();
    receiver = createReceiver({
      store,
      secrets: [SECRET],
      worker: { pollIntervalMs: 10, shutdownTimeoutMs: 5000 },
    });
    let release!: () => void;
    let finished = false;
    receiver.on('meeting.canceled', async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      finished = true;
    });
    await receiver.start();
    await receiver.handle(delivery('meeting.canceled'));
    await waitFor(() => release !== undefined);
    const stopping = receiver.stop();
    setTimeout(() => release(), 50);
    await stopping;
    expect(finished).toBe(true);
    expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
  });

  it('graceful shutdown gives a job back (attempt not counted) when its handler outlasts the timeout', async () => {
    const store = new MemoryStore();
    receiver = createReceiver({
      store,
      secrets: [SECRET],
      worker: { pollIntervalMs: 10, shutdownTimeoutMs: 50 },
    });
    let aborted = false;
    receiver.on('meeting.canceled', async (_event, ctx) => {
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      aborted = true;
    });
    await receiver.start();
    const d = delivery('meeting.canceled');
    await receiver.handle(d);
    await waitFor(async () => (await store.depth()).running === 1);
    await receiver.stop();
    expect(aborted).toBe(true);
    expect(await store.depth()).toEqual({ queued: 1, running: 0, dead: 0 });

    // The next worker (the same store: a restarted process) runs it as attempt 1.
    const next = createReceiver({ store, secrets: [SECRET], worker: { pollIntervalMs: 10 } });
    const attempts: number[] = [];
    next.on('meeting.canceled', (_event, ctx) => {
      attempts.push(ctx.attempt);
    });
    await next.start();
    await waitFor(() => attempts.length === 1);
    await next.stop();
    expect(attempts).toEqual([1]);
  });

  it('runs handlers concurrently up to the limit', async () => {
    const store = new MemoryStore();
    receiver = createReceiver({ store, secrets: [SECRET], worker: { pollIntervalMs: 10, concurrency: 3 } });
    let running = 0;
    let peak = 0;
    let done = 0;
    receiver.on('call.ended', async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      running--;
      done++;
    });
    for (let i = 0; i < 9; i++) await receiver.handle(delivery('call.ended'));
    await receiver.start();
    await waitFor(() => done === 9);
    expect(peak).toBe(3);
  });

  it('acknowledges events without a handler and counts them as unhandled', async () => {
    const store = new MemoryStore();
    receiver = createReceiver({ store, secrets: [SECRET], worker: { pollIntervalMs: 10 } });
    await receiver.start();
    await receiver.handle(delivery('trial.ending'));
    await waitFor(async () =>
      (
        await receiver!.metrics.registry.getSingleMetricAsString('bookflow_receiver_jobs_processed_total')
      ).includes('outcome="unhandled"} 1'),
    );
    expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
  });
});
