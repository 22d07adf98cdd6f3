import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../platform/test/support/platform.ts';
import { cliEnv, isolatedConfig, runJson, startCli } from './support/cli.ts';
import { servedPlatform } from './support/platform.ts';
import { startReceiverKit } from './support/receiver-kit.ts';

type Delivery = {
  id: string;
  event_id: string;
  status: string;
  attempts_total: number;
  attempts: Array<{ status_code: number | null; response_body: string | null }>;
};

describe('bookflow listen --forward-to', () => {
  let served: Awaited<ReturnType<typeof servedPlatform>>;
  let kit: Awaited<ReturnType<typeof startReceiverKit>>;
  let env: NodeJS.ProcessEnv;
  let key: string;
  const held = new Map<string, () => void>();
  let holdNext: string | null = null;

  beforeAll(async () => {
    served = await servedPlatform('pglite', { totalTimeoutMs: 5_000 });
    key = (await served.createAccount()).api_key;
    env = cliEnv({
      BOOKFLOW_API_URL: served.url,
      BOOKFLOW_API_KEY: key,
      BOOKFLOW_CONFIG: await isolatedConfig(),
    });
    // The gate holds the request of the event named in holdNext open until released.
    kit = await startReceiverKit(async (eventId) => {
      if (eventId !== holdNext) return;
      holdNext = null;
      await new Promise<void>((resolve) => held.set(eventId, resolve));
    });
  });
  afterAll(async () => {
    for (const release of held.values()) release();
    await kit?.close();
    await served?.close();
  });

  async function deliveryOf(eventId: string): Promise<Delivery> {
    const { data } = await runJson<{ data: Delivery[] }>(
      ['deliveries', 'list', '--type', 'meeting.booked'],
      env,
    );
    const summary = data.find((d) => d.event_id === eventId);
    if (!summary) throw new Error(`no delivery of ${eventId}`);
    return runJson<Delivery>(['deliveries', 'show', summary.id], env);
  }

  it('forwards signed deliveries to a local receiver-kit server, records each answer, and after a disconnect sends the unanswered one again', async () => {
    const listen = startCli(['listen', '--forward-to', kit.url, '--types', 'meeting.booked', '--json'], env);
    const ready = await eventually(async () => listen.events().find((e) => e.event === 'ready'));
    const secret = String(ready.secret);
    const endpointId = String(ready.endpoint_id);
    expect(secret).toMatch(/^whsec_/);
    await kit.useSecret(secret);
    await eventually(async () => listen.events().some((e) => e.event === 'connected'));

    const example = (await (await fetch(`${served.url}/v1/event-types`)).json()) as {
      data: Array<{ type: string; example: unknown }>;
    };
    const data = example.data.find((t) => t.type === 'meeting.booked')!.example;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.push(((await served.publish(key, 'meeting.booked', data)).body as { id: string }).id);
    // Not subscribed: never forwarded.
    await served.publish(key, 'call.started', example.data.find((t) => t.type === 'call.started')!.example);

    await eventually(async () => kit.processed.length === 3);
    expect([...kit.processed].sort()).toEqual([...ids].sort());
    // Every request verified with the listen endpoint's secret, as a real delivery would.
    expect(kit.answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await eventually(
      async () => listen.events().filter((e) => e.event === 'forwarded' && e.recorded).length === 3,
    );
    for (const id of ids) {
      const delivery = await eventually(async () => {
        const d = await deliveryOf(id);
        return d.status === 'succeeded' ? d : null;
      });
      // The local answer is the recorded attempt.
      expect(delivery.attempts).toEqual([
        expect.objectContaining({ status_code: 200, response_body: expect.stringContaining('accepted') }),
      ]);
    }

    // A disconnect in the middle: the CLI dies while the local server holds a request.
    const publishedHeld = (await served.publish(key, 'meeting.booked', data)).body as { id: string };
    holdNext = publishedHeld.id;
    await eventually(async () => held.has(publishedHeld.id));
    listen.child.kill('SIGKILL');
    await listen.exited;
    held.get(publishedHeld.id)!();
    // The receiver processed it, but no answer reached the platform: nothing is recorded, and the
    // delivery waits for the next connection.
    await eventually(async () => kit.processed.includes(publishedHeld.id));
    const waiting = await eventually(async () => {
      const d = await deliveryOf(publishedHeld.id);
      return d.status === 'pending' ? d : null;
    });
    expect(waiting.attempts_total).toBe(0);

    const resumed = startCli(['listen', '--forward-to', kit.url, '--endpoint', endpointId, '--json'], env);
    try {
      const delivered = await eventually(async () => {
        const d = await deliveryOf(publishedHeld.id);
        return d.status === 'succeeded' ? d : null;
      }, 30_000);
      expect(delivered.attempts_total).toBe(1);
      // Sent twice, processed once: the receiver kit deduped the second copy.
      expect(kit.answers.filter((a) => a.eventId === publishedHeld.id).map((a) => a.status)).toEqual([
        200, 200,
      ]);
      expect(kit.processed.filter((id) => id === publishedHeld.id)).toHaveLength(1);
    } finally {
      expect(await resumed.stop()).toBe(0);
    }
  });

  it('refuses to resume an endpoint of another account, like an unknown one', async () => {
    const other = (await served.createAccount()).api_key;
    const mine = await runJson<{ data: Array<{ id: string }> }>(['endpoints', 'list'], env).catch(() => null);
    expect(mine).not.toBeNull();
    const cliEndpoint = (mine as unknown as Array<{ id: string; kind: string }>).find(
      (e) => e.kind === 'cli',
    )!;
    const intruder = startCli(
      ['listen', '--forward-to', kit.url, '--endpoint', cliEndpoint.id],
      cliEnv({
        BOOKFLOW_API_URL: served.url,
        BOOKFLOW_API_KEY: other,
        BOOKFLOW_CONFIG: await isolatedConfig(),
      }),
    );
    expect(await intruder.exited).toBe(4);
    expect(intruder.stderr()).toContain('no listen endpoint with this id');
  });
});
