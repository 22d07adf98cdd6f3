import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvents } from '../../platform/test/support/bulk-events.ts';
import { countByStatus } from '../../platform/test/support/databases.ts';
import { startReceiver } from '../../platform/test/support/receiver.ts';
import { cliEnv, isolatedConfig, runCli, runJson } from './support/cli.ts';
import { servedPlatform } from './support/platform.ts';

const DEAD = 1_000;

describe('bookflow deliveries replay (bulk)', () => {
  let served: Awaited<ReturnType<typeof servedPlatform>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let env: NodeJS.ProcessEnv;
  let endpointId: string;

  beforeAll(async () => {
    // Three calls to queue them all. A long lease: on one PGlite connection shared by the worker
    // and the CLI's polling, a short one can run out before a success is recorded.
    served = await servedPlatform('pglite', { bulkReplayMaxRows: 400, leaseMs: 120_000 });
    receiver = await startReceiver(() => ({ status: 204 }));
    const account = await served.createAccount();
    env = cliEnv({
      BOOKFLOW_API_URL: served.url,
      BOOKFLOW_API_KEY: account.api_key,
      BOOKFLOW_CONFIG: await isolatedConfig(),
    });
    endpointId = (await served.createEndpoint(account.api_key, 'http://127.0.0.1:9/down')).id;
    // Disabled while the events arrive, so their deliveries wait as held instead of being attempted.
    await served.call('PATCH', `/v1/endpoints/${endpointId}`, account.api_key, { enabled: false });
    const example = (await (await fetch(`${served.url}/v1/event-types`)).json()) as {
      data: Array<{ type: string; example: unknown }>;
    };
    await insertEvents(served.db, {
      accountId: account.id,
      type: 'meeting.booked',
      data: example.data.find((t) => t.type === 'meeting.booked')!.example,
      count: DEAD,
    });
    // The dead letter as seven failed attempts each would leave it (the worker's path to it is
    // tested in the platform's suite; 7,000 real failures would take minutes on PGlite).
    await served.db.query(
      `update deliveries set status = 'dead', dead_at = now(), dead_reason = 'attempts_exhausted',
              attempt_count = 7, last_error = 'connection_refused', updated_at = now()
        where endpoint_id = $1 and status = 'held'`,
      [endpointId],
    );
    await served.call('PATCH', `/v1/endpoints/${endpointId}`, account.api_key, { enabled: true });
    expect(await countByStatus(served.db)).toEqual({ dead: DEAD });
  }, 120_000);
  afterAll(async () => {
    await receiver?.close();
    await served?.close();
  });

  it('counts the dead letters and asks first; without a terminal it needs --yes', async () => {
    const result = await runCli(['deliveries', 'replay', '--status', 'dead', '--endpoint', endpointId], env);
    expect(result.code).toBe(7);
    expect(result.stderr).toContain(`${DEAD} dead deliveries match`);
    expect(result.stderr).toContain('confirm with --yes');
    expect(await countByStatus(served.db)).toEqual({ dead: DEAD });
  });

  it('replays 1,000 dead letters once the endpoint is fixed, with a progress bar while it queues them', async () => {
    await runJson(['endpoints', 'update', endpointId, '--url', receiver.url], env);
    const result = await runCli(
      [
        'deliveries',
        'replay',
        '--status',
        'dead',
        '--endpoint',
        endpointId,
        '--since',
        '2000-01-01T00:00:00Z',
        '--yes',
      ],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Queued ${DEAD} replays.`);
    // Without a terminal the bar prints a line per update, from 0 to the total (three calls of 400).
    const steps = [...result.stderr.matchAll(/Queuing +\[[^\]]+\] (\d+)\/(\d+)/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    expect(steps[0]).toEqual([0, DEAD]);
    expect(steps.at(-1)).toEqual([DEAD, DEAD]);
    // Every dead letter is queued again as a fresh series; none is left in the dead letter.
    const { rows } = await served.db.query<{ n: number; series: number }>(
      `select count(*)::int as n, min(series) as series from deliveries where status <> 'dead'`,
    );
    expect(rows[0]).toEqual({ n: DEAD, series: 2 });
    // They go out through the worker like any replay (tested in the platform's suite); here a few
    // reaching the fixed endpoint shows the replay took effect.
    await receiver.waitFor(10, 60_000);
  }, 120_000);
});
