import { catalogue } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../platform/test/support/platform.ts';
import { startReceiver } from '../../platform/test/support/receiver.ts';
import { cliEnv, isolatedConfig, startCli } from './support/cli.ts';
import { servedPlatform } from './support/platform.ts';

describe('bookflow tail and trigger', () => {
  let served: Awaited<ReturnType<typeof servedPlatform>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    served = await servedPlatform();
    receiver = await startReceiver(() => ({ status: 200 }));
  });
  afterAll(async () => {
    await receiver?.close();
    await served?.close();
  });

  it('prints new deliveries and attempt results live, filtered by type, and stops on Ctrl-C', async () => {
    const { api_key: key } = await served.createAccount();
    await served.createEndpoint(key, receiver.url, ['meeting.booked', 'call.started']);
    const env = cliEnv({
      BOOKFLOW_API_URL: served.url,
      BOOKFLOW_API_KEY: key,
      BOOKFLOW_CONFIG: await isolatedConfig(),
    });
    const tail = startCli(['tail', '--type', 'meeting.booked', '--json'], env);
    try {
      await eventually(async () => tail.stderr().includes('Tailing'));
      const published = (await served.publish(key, 'meeting.booked', catalogue['meeting.booked'].example))
        .body as { id: string };
      await served.publish(key, 'call.started', catalogue['call.started'].example);
      const finished = await eventually(
        async () => tail.events().find((e) => e.event === 'attempt.finished' && e.event_id === published.id),
        30_000,
      );
      expect(finished).toMatchObject({
        event_type: 'meeting.booked',
        outcome: 'succeeded',
        status_code: 200,
      });
      expect(tail.events().every((e) => e.event_type === 'meeting.booked')).toBe(true);
    } finally {
      expect(await tail.stop('SIGINT')).toBe(0);
    }
  });

  it('trigger publishes the example, says a live key sends a real event, and prints each delivery as it ends', async () => {
    const { api_key: key } = await served.createAccount();
    await served.createEndpoint(key, receiver.url, ['lead.disqualified']);
    const env = cliEnv({
      BOOKFLOW_API_URL: served.url,
      BOOKFLOW_API_KEY: key,
      BOOKFLOW_CONFIG: await isolatedConfig(),
    });
    const trigger = startCli(['trigger', 'lead.disqualified', '--json'], env);
    expect(await trigger.exited).toBe(0);
    expect(trigger.stderr()).toContain('This is a live API key');
    expect(trigger.events()).toEqual([
      expect.objectContaining({ event: 'delivery', status: 'succeeded', last_status_code: 200 }),
    ]);
  });
});
