import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliveryHeaders, generateSecret } from '@bookflow/events';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './support/cli.ts';

/** A captured delivery signed exactly as the platform's worker signs one (deliveryHeaders). */
function capture(secret: string, deliveredAt = new Date()) {
  const id = randomUUID();
  const body = JSON.stringify({ id, type: 'meeting.booked', data: { amount: 1.0 } });
  const headers = deliveryHeaders({
    eventId: id,
    eventType: 'meeting.booked',
    schemaVersion: '2026-04-10',
    attempt: 1,
    deliveredAt,
    body,
    secrets: [Buffer.from(secret.slice('whsec_'.length), 'base64')],
  });
  return { headers, body, at: Math.floor(deliveredAt.getTime() / 1000) };
}

describe('bookflow verify', () => {
  const secret = generateSecret();
  const env = cliEnv({});
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bookflow-verify-'));
  });

  async function verify(
    headers: Record<string, string>,
    body: string,
    args: string[] = [],
    format: 'lines' | 'json' = 'lines',
  ) {
    const headerFile = join(dir, `${randomUUID()}.txt`);
    const bodyFile = join(dir, `${randomUUID()}.json`);
    const text =
      format === 'json'
        ? JSON.stringify(headers)
        : `POST /webhooks/bookflow HTTP/1.1\n${Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\r\n')}\n`;
    await writeFile(headerFile, text);
    await writeFile(bodyFile, body);
    return runCli(['verify', '--headers', headerFile, '--body', bodyFile, ...args], env);
  }

  it('accepts a request signed as the platform signs it, from a header dump or JSON', async () => {
    const d = capture(secret);
    const ok = await verify(d.headers, d.body, ['--secret', secret]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok   standard-webhooks');
    expect(ok.stdout).toContain('ok   x-bookflow-signature');
    expect((await verify(d.headers, d.body, ['--secret', secret], 'json')).code).toBe(0);
  });

  it('names the check that failed, and exits 6', async () => {
    const d = capture(secret);
    const tampered = await verify(d.headers, d.body.replace('1', '2'), ['--secret', secret]);
    expect(tampered.code).toBe(6);
    expect(tampered.stdout).toMatch(
      /FAIL standard-webhooks: no webhook-signature entry matches .*the body was changed/,
    );
    expect(tampered.stdout).toContain('FAIL x-bookflow-signature: no x-bookflow-signature entry matches');

    const wrong = await verify(d.headers, d.body, ['--secret', generateSecret()]);
    expect(wrong.code).toBe(6);
    expect(wrong.stdout).toContain('wrong secret');

    const old = capture(secret, new Date(Date.now() - 3_600_000));
    const stale = await verify(old.headers, old.body, ['--secret', secret]);
    expect(stale.stdout).toContain('webhook-timestamp is older than 300 s');
    // As of when it was received, the same capture verifies.
    expect((await verify(old.headers, old.body, ['--secret', secret, '--at', String(old.at + 2)])).code).toBe(
      0,
    );
    const ahead = await verify(d.headers, d.body, ['--secret', secret, '--at', String(d.at - 3_600)]);
    expect(ahead.stdout).toContain('more than 300 s ahead');

    const { 'webhook-signature': _dropped, ...withoutSignature } = d.headers;
    const missing = await verify(withoutSignature, d.body, ['--secret', secret]);
    expect(missing.code).toBe(6);
    expect(missing.stdout).toContain('missing header(s): webhook-signature');

    const badFormat = await verify({ ...d.headers, 'webhook-timestamp': 'yesterday' }, d.body, [
      '--secret',
      secret,
    ]);
    expect(badFormat.stdout).toContain('webhook-timestamp must be integer seconds');
    const json = await verify(d.headers, d.body.replace('1', '2'), ['--secret', secret, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      verified: false,
      checks: [
        { scheme: 'standard-webhooks', ok: false, reason: 'no_matching_signature' },
        expect.anything(),
      ],
    });
  });

  it('verifies during a rotation with either secret given, and refuses bad flags with exit 2', async () => {
    const d = capture(secret);
    expect((await verify(d.headers, d.body, ['--secret', generateSecret(), '--secret', secret])).code).toBe(
      0,
    );
    const notASecret = await verify(d.headers, d.body, ['--secret', 'hunter2']);
    expect(notASecret.code).toBe(2);
    expect(notASecret.stderr).toContain('secrets look like whsec_');
    const noFile = await runCli(
      ['verify', '--secret', secret, '--headers', '/nonexistent', '--body', '/nonexistent'],
      env,
    );
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('cannot read /nonexistent');
  });
});
