import { sampleData, verifyBookFlow, verifyStandard } from '@bookflow/events';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ACTIVE_SECRETS } from '../../src/endpoints/secrets.ts';
import { purgeExpired } from '../../src/retention/purge.ts';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';
import { type ReceivedRequest, startReceiver, type TestReceiver } from '../support/receiver.ts';

const SIGNATURE_HEADERS = ['webhook-signature', 'x-bookflow-signature'] as const;

describe.each(BACKENDS)('bounded endpoint secrets (%s)', (backend) => {
  let database: TestDatabase;
  let t: Awaited<ReturnType<typeof testPlatform>>;
  let receiver: TestReceiver;

  beforeEach(async () => {
    database = await openTestDatabase(backend);
    t = await testPlatform(database.db);
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await t.platform.stop();
    await receiver.close();
    await database.close();
  });

  async function secretRows(endpointId: string) {
    const { rows } = await database.db.query<{ active: boolean }>(
      `select (expires_at is null or expires_at > now()) as active from endpoint_secrets where endpoint_id = $1`,
      [endpointId],
    );
    return { total: rows.length, active: rows.filter((r) => r.active).length };
  }

  function expectVerifies(request: ReceivedRequest, secrets: string[]) {
    for (const name of SIGNATURE_HEADERS) expect(String(request.headers[name]).length).toBeLessThan(2_048);
    for (const secret of secrets) {
      verifyStandard({ headers: request.headers, body: request.body, secrets: [secret] });
      verifyBookFlow({ headers: request.headers, body: request.body, secrets: [secret] });
      expect(
        new Webhook(secret).verify(request.body, request.headers as Record<string, string>),
      ).toBeTruthy();
    }
  }

  it('150 rotations: at most 10 secrets sign, the rest are refused with 409, every delivery verifies', async () => {
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, receiver.url);
    const secrets = [ep.secret];
    const refusals: Array<{ code: string; detail: string }> = [];
    for (let i = 0; i < 150; i++) {
      const res = await t.call('POST', `/v1/endpoints/${ep.id}/rotate-secret`, account.api_key, {});
      if (res.status === 201) secrets.push((res.body as { secret: string }).secret);
      else {
        expect(res.status).toBe(409);
        refusals.push(res.body as { code: string; detail: string });
      }
    }
    expect(secrets).toHaveLength(MAX_ACTIVE_SECRETS);
    expect(refusals).toHaveLength(150 - (MAX_ACTIVE_SECRETS - 1));
    expect(refusals[0]!.code).toBe('too_many_active_secrets');
    expect(refusals[0]!.detail).toContain('overlap_seconds');
    expect(await secretRows(ep.id)).toEqual({ total: MAX_ACTIVE_SECRETS, active: MAX_ACTIVE_SECRETS });

    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 1 }));
    await receiver.waitFor(1);
    const first = receiver.requests[0]!;
    expect(String(first.headers['webhook-signature']).split(' ')).toHaveLength(MAX_ACTIVE_SECRETS);
    expectVerifies(first, secrets);

    // No overlap retires every previous secret at once; the retention job then deletes them.
    const reset = await t.call('POST', `/v1/endpoints/${ep.id}/rotate-secret`, account.api_key, {
      overlap_seconds: 0,
    });
    expect(reset.status).toBe(201);
    const latest = (reset.body as { secret: string }).secret;
    expect(await secretRows(ep.id)).toEqual({ total: MAX_ACTIVE_SECRETS + 1, active: 1 });
    expect((await purgeExpired(database.db, 30 * 86_400_000)).secrets).toBe(MAX_ACTIVE_SECRETS);
    expect(await secretRows(ep.id)).toEqual({ total: 1, active: 1 });

    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 2 }));
    await receiver.waitFor(2);
    const second = receiver.requests[1]!;
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expectVerifies(second, [latest]);
    expect(() =>
      verifyStandard({ headers: second.headers, body: second.body, secrets: [ep.secret] }),
    ).toThrow();

    // Room again: an ordinary rotation is accepted.
    const again = await t.call('POST', `/v1/endpoints/${ep.id}/rotate-secret`, account.api_key, {});
    expect(again.status).toBe(201);
  }, 60_000);

  it('a deleted endpoint keeps no secret past the next retention run', async () => {
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, receiver.url);
    await t.call('POST', `/v1/endpoints/${ep.id}/rotate-secret`, account.api_key, {});
    expect((await secretRows(ep.id)).active).toBe(2);
    expect((await t.call('DELETE', `/v1/endpoints/${ep.id}`, account.api_key)).status).toBe(204);
    expect(await secretRows(ep.id)).toEqual({ total: 2, active: 0 });
    await purgeExpired(database.db, 30 * 86_400_000);
    expect(await secretRows(ep.id)).toEqual({ total: 0, active: 0 });
  }, 60_000);
});
