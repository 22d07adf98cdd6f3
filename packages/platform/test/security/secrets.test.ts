import { sampleData, verifyBookFlow, verifyStandard, WebhookVerificationError } from '@bookflow/events';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS, openTestDatabase, type TestDatabase } from '../support/databases.ts';
import { testPlatform } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

describe.each(BACKENDS)('endpoint secrets (%s)', (backend) => {
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

  it('are stored sealed, never in clear, and never listed', async () => {
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, receiver.url);
    const { rows } = await database.db.query<{ sealed: string }>('select sealed from endpoint_secrets');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.sealed).toMatch(/^v1\./);
    const everything = await database.db.query(`select * from endpoints, endpoint_secrets`);
    expect(JSON.stringify(everything.rows)).not.toContain(ep.secret.slice(6));
    const list = await t.call('GET', '/v1/endpoints', account.api_key);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
  });

  it('a sealed secret moved onto another endpoint row does not decrypt', async () => {
    const account = await t.createAccount();
    const a = await t.createEndpoint(account.api_key, receiver.url);
    const b = await t.createEndpoint(account.api_key, receiver.url, ['call.ended']);
    await database.db.query(
      `update endpoint_secrets set sealed = (select sealed from endpoint_secrets where endpoint_id = $1) where endpoint_id = $2`,
      [a.id, b.id],
    );
    const { rows } = await database.db.query<{ sealed: string }>(
      'select sealed from endpoint_secrets where endpoint_id = $1',
      [b.id],
    );
    const box = (await import('../../src/secrets/secret-box.ts')).SecretBox;
    expect(() => new box(t.platform.config.masterKey).open(rows[0]!.sealed, b.id)).toThrow();
  });

  it('rotation: during the overlap both secrets verify; after it only the new one', async () => {
    const account = await t.createAccount();
    const ep = await t.createEndpoint(account.api_key, receiver.url);
    const rotated = await t.call('POST', `/v1/endpoints/${ep.id}/rotate-secret`, account.api_key, {
      overlap_seconds: 3600,
    });
    expect(rotated.status).toBe(201);
    const newSecret = (rotated.body as { secret: string }).secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(ep.secret);

    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 1 }));
    await receiver.waitFor(1);
    const during = receiver.requests[0]!;
    expect((during.headers['webhook-signature'] as string).split(' ')).toHaveLength(2);
    expect((during.headers['x-bookflow-signature'] as string).split(' ')).toHaveLength(2);
    for (const secret of [ep.secret, newSecret]) {
      verifyStandard({ headers: during.headers, body: during.body, secrets: [secret] });
      verifyBookFlow({ headers: during.headers, body: during.body, secrets: [secret] });
      expect(new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).toBeTruthy();
    }

    // The overlap ends: moved into the past rather than waited for, so a slow machine cannot end it
    // before the first delivery is signed.
    await database.db.query(
      `update endpoint_secrets set expires_at = now() - interval '1 second' where expires_at is not null`,
    );
    await t.publish(account.api_key, 'meeting.booked', sampleData('meeting.booked', { seed: 2 }));
    await receiver.waitFor(2);
    const after = receiver.requests[1]!;
    expect((after.headers['webhook-signature'] as string).split(' ')).toHaveLength(1);
    verifyStandard({ headers: after.headers, body: after.body, secrets: [newSecret] });
    expect(new Webhook(newSecret).verify(after.body, after.headers as Record<string, string>)).toBeTruthy();
    expect(() => verifyStandard({ headers: after.headers, body: after.body, secrets: [ep.secret] })).toThrow(
      WebhookVerificationError,
    );
    expect(() =>
      new Webhook(ep.secret).verify(after.body, after.headers as Record<string, string>),
    ).toThrow();
  });

  it("rotating another account's endpoint answers 404 and changes nothing", async () => {
    const alice = await t.createAccount();
    const bob = await t.createAccount();
    const ep = await t.createEndpoint(alice.api_key, receiver.url);
    const res = await t.call('POST', `/v1/endpoints/${ep.id}/rotate-secret`, bob.api_key, {});
    expect(res.status).toBe(404);
    const { rows } = await database.db.query<{ n: number }>(
      'select count(*)::int as n from endpoint_secrets',
    );
    expect(rows[0]!.n).toBe(1);
  });
});
