import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { delivery, SECRET } from '../../../packages/receiver/test/helpers/deliveries.ts';
import { startReference as start, until } from './helpers/reference-process.ts';

// `npm run receiver` as a user runs it: a real process, embedded PGlite, real HTTP.

const dataDir = mkdtempSync(join(tmpdir(), 'bookflow-recv-ref-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('reference consumer (npm run receiver)', { timeout: 240_000 }, () => {
  let running: ChildProcess | undefined;
  afterAll(() => {
    if (running && running.exitCode === null) running.kill('SIGKILL');
  });

  it('refuses to start without BOOKFLOW_WEBHOOK_SECRETS and says why', async () => {
    const { exited, stderr } = start({ BOOKFLOW_RECEIVER_DATA_DIR: dataDir });
    expect(await exited).toBe(2);
    expect(stderr()).toContain('BOOKFLOW_WEBHOOK_SECRETS is not set');
  });

  it('receives, logs each event, serves /metrics and /healthz, and shuts down cleanly', async () => {
    const ref = start({
      BOOKFLOW_WEBHOOK_SECRETS: SECRET,
      BOOKFLOW_RECEIVER_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      BOOKFLOW_RECEIVER_POLL_INTERVAL: '50ms',
    });
    running = ref.child;
    const listening = await until(() => ref.logs.find((l) => l.msg === 'receiver listening'));
    const base = String(listening.address);
    expect(listening.store).toContain('embedded PGlite');

    const booked = delivery('meeting.booked');
    const ended = delivery('call.ended');
    for (const d of [booked, ended, booked]) {
      const response = await request(`${base}/webhooks/bookflow`, {
        method: 'POST',
        headers: d.headers,
        body: d.body,
      });
      expect(response.statusCode).toBe(200);
      await response.body.dump();
    }
    const bookedLog = await until(() => ref.logs.find((l) => l.msg === 'meeting booked'));
    expect(bookedLog).toMatchObject({ event_id: booked.id, event_type: 'meeting.booked', attempt: 1 });
    await until(() => ref.logs.find((l) => l.msg === 'event received' && l.event_id === ended.id));

    const health = await request(`${base}/healthz`);
    expect(await health.body.json()).toEqual({ status: 'ok' });
    const ready = await request(`${base}/readyz`);
    expect(await ready.body.json()).toMatchObject({ status: 'ready', store: 'postgres' });
    const metrics = await request(`${base}/metrics`);
    const text = await metrics.body.text();
    expect(text).toContain('bookflow_receiver_events_received_total{type="meeting.booked"} 2');
    expect(text).toContain('bookflow_receiver_dedupe_hits_total{type="meeting.booked"} 1');

    ref.child.kill('SIGTERM');
    expect(await ref.exited).toBe(0);
  });
});
