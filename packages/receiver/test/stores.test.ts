import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { HourlyCount, IncomingJob, ReceiverStore } from '../src/index.ts';
import { HOUR_MS, hourStart, WEEK_MS } from '../src/time/hours.ts';
import { reportSkipped, type StoreOptions, storeHarnesses } from './helpers/stores.ts';

// The conformance suite every store passes: the same semantics behind one interface.

const harnesses = storeHarnesses();
reportSkipped('stores.test.ts', harnesses);

function incoming(receivedAt = new Date(), id = randomUUID()): IncomingJob {
  return {
    eventId: id,
    eventType: 'meeting.booked',
    schemaVersion: '2026-04-10',
    body: JSON.stringify({ id, type: 'meeting.booked', data: { call_id: 'c1' }, future_field: [1, 2] }),
    headers: { 'x-bookflow-attempt': '1' },
    receivedAt,
  };
}

const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

/** Volume counts in a stable order, hours as ISO text, for comparison. */
async function countsAt(store: ReceiverStore, hours: Date[]) {
  const counts: HourlyCount[] = await store.volumeCounts(hours);
  return counts
    .map((c) => ({ hour: c.hour.toISOString(), type: c.eventType, count: c.count }))
    .sort((a, b) => a.hour.localeCompare(b.hour) || a.type.localeCompare(b.type));
}

for (const harness of harnesses) {
  describe.skipIf(harness.skip)(`${harness.name} store`, () => {
    let store: ReceiverStore;
    beforeAll(() => harness.setup());
    afterAll(() => harness.teardown());
    afterEach(() => harness.reset());

    async function fresh(options?: StoreOptions) {
      store = await harness.create(options);
      return store;
    }

    it('enqueues an event once and answers duplicate afterwards, keeping body, headers and received_at', async () => {
      await fresh();
      const job = incoming();
      expect(await store.accept(job)).toBe('enqueued');
      expect(await store.accept({ ...job, receivedAt: at(job.receivedAt, 1000) })).toBe('duplicate');
      expect(await store.depth()).toEqual({ queued: 1, running: 0, dead: 0 });
      const [claimed] = await store.claim({
        workerId: 'w1',
        limit: 10,
        leaseMs: 60_000,
        now: job.receivedAt,
      });
      expect(claimed).toMatchObject({
        eventId: job.eventId,
        eventType: 'meeting.booked',
        schemaVersion: '2026-04-10',
        body: job.body,
        headers: job.headers,
        attempts: 1,
      });
      expect(claimed!.receivedAt.getTime()).toBe(job.receivedAt.getTime());
    });

    it('counts enqueued events per type and hour, concurrent ones from two processes included; a duplicate counts nothing', async () => {
      await fresh();
      // A second store on the same data, as a second process has (its own counter rows in Postgres).
      const other = await harness.create();
      // Times from the real clock: Redis expires a count by the wall clock, at its hour + retention.
      const hour = hourStart(new Date());
      const weekAgo = at(hour, -WEEK_MS);
      const booked = Array.from({ length: 30 }, () => incoming(at(hour, 1000)));
      const outcomes = await Promise.all(booked.map((j, i) => (i % 2 ? other : store).accept(j)));
      expect(outcomes.filter((o) => o === 'enqueued')).toHaveLength(30);
      expect(await store.accept({ ...booked[0]!, receivedAt: at(hour, 2000) })).toBe('duplicate');
      await store.accept({ ...incoming(at(hour, HOUR_MS - 1)), eventType: 'call.ended' });
      await store.accept(incoming(at(weekAgo, 59 * 60_000)));
      await store.accept(incoming(at(hour, -1))); // the hour before: not asked for
      expect(await countsAt(store, [hour, weekAgo, at(hour, -2 * WEEK_MS)])).toEqual([
        { hour: weekAgo.toISOString(), type: 'meeting.booked', count: 1 },
        { hour: hour.toISOString(), type: 'call.ended', count: 1 },
        { hour: hour.toISOString(), type: 'meeting.booked', count: 30 },
      ]);
    });

    it('forgets hourly counts past the volume retention', async () => {
      await fresh({ volumeRetentionMs: HOUR_MS });
      const now = new Date();
      const old = at(now, -3 * HOUR_MS);
      await store.accept(incoming(old));
      await store.accept(incoming(now));
      await store.sweepExpired(now);
      expect(await countsAt(store, [hourStart(old), hourStart(now)])).toEqual([
        { hour: hourStart(now).toISOString(), type: 'meeting.booked', count: 1 },
      ]);
    });

    it('keeps any JSON text a sender can sign, exactly: NUL and lone-surrogate escapes, raw Unicode, 1 MiB strings', async () => {
      await fresh();
      const now = new Date();
      // Bodies a database JSON type refuses or rewrites (jsonb: \u0000, lone surrogates, key order,
      // duplicate keys, number formatting); stores keep the text itself.
      const bodies = [
        '{"id":"a","type":"meeting.booked","data":{"note":"ok\\u0000"}}',
        '{"id":"b","type":"meeting.booked","data":{"\\u0000key":"\\ud800 lone \\udfff"}}',
        '{"type":"meeting.booked","id":"c","data":{"z":1.0,"a":1e2,"a":2},"rtl":"\u202e\u{1f600}\ufffd"}',
        `{"id":"d","type":"meeting.booked","data":{"big":"${'\u00e9x'.repeat(300_000)}"}}`,
      ];
      const jobs = bodies.map((body) => ({ ...incoming(now), body }));
      for (const job of jobs) expect(await store.accept(job)).toBe('enqueued');
      for (const job of jobs) expect(await store.accept(job)).toBe('duplicate');
      const claimed = await store.claim({ workerId: 'w1', limit: 10, leaseMs: 60_000, now });
      const byId = new Map(claimed.map((j) => [j.eventId, j.body]));
      for (const job of jobs) expect(byId.get(job.eventId)).toBe(job.body);
      expect(JSON.parse(byId.get(jobs[0]!.eventId)!).data.note).toBe('ok\u0000');
      // A dead letter keeps it too.
      await store.deadLetter(jobs[1]!.eventId, 'w1', now, 'boom');
      const [dead] = await store.listDeadLetters();
      expect(dead!.body).toBe(jobs[1]!.body);
    });

    it('enqueues once when 20 deliveries of one id arrive at the same moment', async () => {
      await fresh();
      const job = incoming();
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.accept(job)));
      expect(outcomes.filter((o) => o === 'enqueued')).toHaveLength(1);
      expect((await store.depth()).queued).toBe(1);
    });

    it('still remembers a completed event: a late duplicate is not enqueued again', async () => {
      await fresh();
      const job = incoming();
      await store.accept(job);
      await store.claim({ workerId: 'w1', limit: 1, leaseMs: 60_000, now: job.receivedAt });
      expect(await store.complete(job.eventId, 'w1')).toBe(true);
      expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 0 });
      expect(await store.accept({ ...job, receivedAt: at(job.receivedAt, 60_000) })).toBe('duplicate');
    });

    it('claims only due jobs, each by one worker, and retries at the time given', async () => {
      await fresh();
      const now = new Date();
      const a = incoming(now);
      const b = incoming(now);
      await store.accept(a);
      await store.accept(b);
      const [first, second] = await Promise.all([
        store.claim({ workerId: 'w1', limit: 1, leaseMs: 60_000, now }),
        store.claim({ workerId: 'w2', limit: 1, leaseMs: 60_000, now }),
      ]);
      expect(first).toHaveLength(1);
      expect(second).toHaveLength(1);
      expect(first![0]!.eventId).not.toBe(second![0]!.eventId);
      const mine = first![0]!;
      // Fencing: another worker cannot complete or fail a job it does not hold.
      expect(await store.complete(mine.eventId, 'w2')).toBe(false);
      expect(await store.retry(mine.eventId, 'w1', at(now, 5000), 'boom')).toBe(true);
      expect(
        await store.claim({ workerId: 'w1', limit: 10, leaseMs: 60_000, now: at(now, 4999) }),
      ).toHaveLength(0);
      const [again] = await store.claim({ workerId: 'w1', limit: 10, leaseMs: 60_000, now: at(now, 5000) });
      expect(again).toMatchObject({ eventId: mine.eventId, attempts: 2, lastError: 'boom' });
    });

    it('returns a job whose lease expired to the queue (the worker crashed) and counts that attempt', async () => {
      await fresh();
      const now = new Date();
      const job = incoming(now);
      await store.accept(job);
      await store.claim({ workerId: 'crashed', limit: 1, leaseMs: 1000, now });
      expect(await store.reapExpiredLeases(at(now, 999))).toBe(0);
      expect(await store.extendLease(job.eventId, 'crashed', at(now, 2000))).toBe(true);
      expect(await store.reapExpiredLeases(at(now, 1500))).toBe(0);
      expect(await store.reapExpiredLeases(at(now, 2001))).toBe(1);
      expect(await store.complete(job.eventId, 'crashed')).toBe(false);
      const [reclaimed] = await store.claim({ workerId: 'w2', limit: 1, leaseMs: 1000, now: at(now, 2001) });
      expect(reclaimed).toMatchObject({ eventId: job.eventId, attempts: 2 });
    });

    it('releases a job at shutdown without counting the attempt', async () => {
      await fresh();
      const now = new Date();
      const job = incoming(now);
      await store.accept(job);
      await store.claim({ workerId: 'w1', limit: 1, leaseMs: 60_000, now });
      expect(await store.release(job.eventId, 'w1', now)).toBe(true);
      const [again] = await store.claim({ workerId: 'w2', limit: 1, leaseMs: 60_000, now });
      expect(again?.attempts).toBe(1);
    });

    it('dead-letters, lists and replays with a fresh attempt budget', async () => {
      await fresh();
      const now = new Date();
      const job = incoming(now);
      await store.accept(job);
      await store.claim({ workerId: 'w1', limit: 1, leaseMs: 60_000, now });
      expect(await store.deadLetter(job.eventId, 'w1', at(now, 10), 'Error: CRM down')).toBe(true);
      expect(await store.depth()).toEqual({ queued: 0, running: 0, dead: 1 });
      const [dead] = await store.listDeadLetters();
      expect(dead).toMatchObject({ eventId: job.eventId, attempts: 1, lastError: 'Error: CRM down' });
      expect(dead!.deadAt.getTime()).toBe(now.getTime() + 10);
      // Dead jobs are not claimable, and a duplicate delivery does not revive them.
      expect(await store.claim({ workerId: 'w1', limit: 1, leaseMs: 60_000, now: at(now, 20) })).toHaveLength(
        0,
      );
      expect(await store.accept({ ...job, receivedAt: at(now, 30) })).toBe('duplicate');
      expect(await store.replayDeadLetter(job.eventId, at(now, 40))).toBe(true);
      expect(await store.replayDeadLetter(job.eventId, at(now, 40))).toBe(false);
      const [replayed] = await store.claim({ workerId: 'w1', limit: 1, leaseMs: 60_000, now: at(now, 40) });
      expect(replayed).toMatchObject({ eventId: job.eventId, attempts: 1 });
    });

    it('keeps the first ledger result for an event and step', async () => {
      await fresh();
      const id = randomUUID();
      expect(await store.ledger.get(id, 'hubspot.meeting')).toBeUndefined();
      await store.ledger.put(id, 'hubspot.meeting', { id: 'hs_1', n: 1 }, new Date());
      await store.ledger.put(id, 'hubspot.meeting', { id: 'hs_2' }, new Date());
      await store.ledger.put(id, 'nothing', null, new Date());
      expect(await store.ledger.get(id, 'hubspot.meeting')).toEqual({ value: { id: 'hs_1', n: 1 } });
      expect(await store.ledger.get(id, 'nothing')).toEqual({ value: null });
      expect(await store.ledger.get(randomUUID(), 'hubspot.meeting')).toBeUndefined();
    });

    if (harness.name === 'redis') {
      it('expires dedupe keys after the TTL (Redis PX)', async () => {
        await fresh({ dedupeTtlMs: 150 });
        const job = incoming();
        await store.accept(job);
        await store.claim({ workerId: 'w1', limit: 1, leaseMs: 60_000, now: new Date() });
        await store.complete(job.eventId, 'w1');
        expect(await store.accept(job)).toBe('duplicate');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(await store.accept({ ...job, receivedAt: new Date() })).toBe('enqueued');
      });
    } else {
      it('forgets an event id after the TTL, and the sweeper deletes expired keys but not live jobs', async () => {
        const ttl = 7 * 24 * 3600 * 1000;
        await fresh({ dedupeTtlMs: ttl });
        const now = new Date();
        const done = incoming(now);
        const dead = incoming(now);
        for (const job of [done, dead]) await store.accept(job);
        await store.claim({ workerId: 'w1', limit: 2, leaseMs: 60_000, now });
        await store.complete(done.eventId, 'w1');
        await store.deadLetter(dead.eventId, 'w1', now, 'x');
        await store.ledger.put(done.eventId, 'step', 1, now);
        // One millisecond before expiry: still a duplicate.
        expect(await store.accept({ ...done, receivedAt: at(now, ttl - 1) })).toBe('duplicate');
        // After expiry: the sweeper removes the completed event's key, not the dead one's.
        const later = at(now, ttl + 1);
        expect(await store.sweepExpired(later)).toBe(1);
        expect(await store.ledger.get(done.eventId, 'step')).toBeUndefined();
        expect(await store.accept({ ...done, receivedAt: later })).toBe('enqueued');
        expect(await store.accept({ ...dead, receivedAt: later })).toBe('duplicate');
      });
    }
  });
}
