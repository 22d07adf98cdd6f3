import { generateSecret } from '@bookflow/events';
import { describe, expect, it } from 'vitest';
import { createReceiver, MemoryStore } from '../src/index.ts';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { waitFor } from './helpers/wait.ts';

const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(series));
  return line === undefined ? undefined : Number(line.slice(series.length).trim());
};

describe('metrics', () => {
  it('exposes every metric the brief names, in the receiver’s own registry', async () => {
    const store = new MemoryStore();
    const receiver = createReceiver({
      store,
      secrets: [SECRET],
      retry: { delaysMs: [] },
      worker: { pollIntervalMs: 10 },
    });
    receiver.on('call.ended', () => {
      throw new Error('broken');
    });
    receiver.on('meeting.booked', () => {});
    const booked = delivery('meeting.booked');
    await receiver.handle(booked);
    await receiver.handle(booked);
    await receiver.handle(booked);
    await receiver.handle(delivery('call.ended'));
    await receiver.handle(delivery('call.started', { secrets: [generateSecret()] }));
    await receiver.handle(delivery('call.started')); // no handler registered; stays queued until the worker runs

    let text = (await receiver.metrics.expose()).body;
    expect(sample(text, 'bookflow_receiver_events_received_total{type="meeting.booked"}')).toBe(3);
    expect(sample(text, 'bookflow_receiver_events_received_total{type="call.ended"}')).toBe(1);
    expect(sample(text, 'bookflow_receiver_dedupe_hits_total{type="meeting.booked"}')).toBe(2);
    expect(sample(text, 'bookflow_receiver_dedupe_hit_ratio')).toBeCloseTo(2 / 5);
    expect(
      sample(text, 'bookflow_receiver_verification_failures_total{reason="no_matching_signature"}'),
    ).toBe(1);
    expect(sample(text, 'bookflow_receiver_ack_duration_seconds_count{outcome="enqueued"}')).toBe(3);
    expect(sample(text, 'bookflow_receiver_ack_duration_seconds_count{outcome="duplicate"}')).toBe(2);
    // Buckets past 3 s, so the ack p99 > 3 s alert (observability/) can see an answer that slow.
    expect(sample(text, 'bookflow_receiver_ack_duration_seconds_bucket{le="3",outcome="enqueued"}')).toBe(3);
    expect(sample(text, 'bookflow_receiver_ack_duration_seconds_bucket{le="10",outcome="enqueued"}')).toBe(3);
    expect(sample(text, 'bookflow_receiver_queue_depth{state="queued"}')).toBe(3);
    expect(sample(text, 'bookflow_receiver_dead_letter_depth')).toBe(0);

    await receiver.start();
    await waitFor(async () => (await store.depth()).dead === 1 && (await store.depth()).queued === 0);
    await waitFor(async () => (await store.depth()).running === 0);
    await receiver.stop();
    text = (await receiver.metrics.expose()).body;
    expect(sample(text, 'bookflow_receiver_handler_errors_total{type="call.ended"}')).toBe(1);
    expect(sample(text, 'bookflow_receiver_jobs_processed_total{type="meeting.booked",outcome="done"}')).toBe(
      1,
    );
    expect(
      sample(text, 'bookflow_receiver_jobs_processed_total{type="call.ended",outcome="dead_letter"}'),
    ).toBe(1);
    expect(
      sample(
        text,
        'bookflow_receiver_processing_duration_seconds_count{type="meeting.booked",outcome="done"}',
      ),
    ).toBe(1);
    expect(sample(text, 'bookflow_receiver_end_to_end_seconds_count{type="meeting.booked"}')).toBe(1);
    expect(sample(text, 'bookflow_receiver_dead_letter_depth')).toBe(1);
    expect(sample(text, 'bookflow_receiver_queue_depth{state="queued"}')).toBe(0);
    // Its own registry: nothing from prom-client's global default registry (no process_* metrics).
    expect(text).not.toContain('process_cpu');
  });
});
