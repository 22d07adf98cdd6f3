import { sampleData } from '@bookflow/events';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiProcess, spawnApi } from '../support/api-processes.ts';
import { openTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';
import { platformEvents } from './platform-events.ts';

const CALLS = 20;

describe.skipIf(!POSTGRES_URL)(
  'usage.threshold under concurrent publishes from two API processes (postgres)',
  () => {
    let database: TestDatabase;
    let child: ApiProcess | null = null;
    let stopLocal: (() => Promise<void>) | null = null;

    afterEach(async () => {
      await child?.stop();
      await stopLocal?.();
      await database?.close();
    });

    it('20 calls racing across every threshold: each threshold once, at the exact minute it was reached', async () => {
      database = await openTestDatabase('postgres');
      // Two API processes on one database: this test process and a child process.
      const local = await testPlatform(database.db, { roles: ['api'] });
      stopLocal = () => local.platform.stop();
      child = await spawnApi(database.url!);
      // 20 calls of one minute each against a 20-minute plan: 15, 18 and 20 minutes reach 75, 90 and 100 %.
      const account = await local.createAccount({ plan: { name: 'Starter', minutes_included: CALLS } });

      const body = (i: number) => ({
        type: 'call.ended',
        data: { ...sampleData('call.ended', { seed: i }), duration_seconds: 45 },
      });
      const answers = await Promise.all(
        Array.from({ length: CALLS }, (_, i) =>
          i % 2 === 0
            ? local.publish(account.api_key, 'call.ended', body(i).data).then((r) => r.status)
            : fetch(`${child!.url}/v1/events`, {
                method: 'POST',
                headers: { authorization: `Bearer ${account.api_key}`, 'content-type': 'application/json' },
                body: JSON.stringify(body(i)),
              }).then((r) => r.status),
        ),
      );
      expect(answers).toEqual(Array(CALLS).fill(202));

      const seen = await platformEvents(database.db, account.id, 'usage.threshold');
      expect(
        seen.map((e) => [e.data.threshold_percent, e.data.minutes_used]).sort((a, b) => a[0]! - b[0]!),
      ).toEqual([
        [75, 15],
        [90, 18],
        [100, 20],
      ]);
      const { rows } = await database.db.query<{ minutes_used: string; calls: number }>(
        'select minutes_used, calls from usage_periods where account_id = $1',
        [account.id],
      );
      expect(rows).toEqual([{ minutes_used: '20', calls: CALLS }]);
      const counted = await database.db.query<{ n: number }>(
        'select count(*)::int as n from usage_thresholds where account_id = $1',
        [account.id],
      );
      expect(counted.rows[0]!.n).toBe(3);
    });
  },
);
