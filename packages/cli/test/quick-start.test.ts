import { stat } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../platform/test/support/platform.ts';
import { startReceiver } from '../../platform/test/support/receiver.ts';
import { cliEnv, isolatedConfig, runCli, runJson } from './support/cli.ts';
import { servedPlatform } from './support/platform.ts';

describe('the README quick start, with the bookflow CLI instead of curl', () => {
  let served: Awaited<ReturnType<typeof servedPlatform>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let key: string;
  let configFile: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    served = await servedPlatform();
    receiver = await startReceiver(() => ({ status: 200, body: 'ok' }));
    key = (await served.createAccount()).api_key;
    configFile = await isolatedConfig();
    env = cliEnv({ BOOKFLOW_CONFIG: configFile });
  });
  afterAll(async () => {
    await receiver?.close();
    await served?.close();
  });

  it('login saves the URL and key in a file only the user can read, and never prints the key', async () => {
    const result = await runCli(['login', '--api-url', served.url], env, `${key}\n`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Logged in');
    expect(result.stdout + result.stderr).not.toContain(key);
    expect((await stat(configFile)).mode & 0o777).toBe(0o600);

    const refused = await runCli(['login', '--api-url', served.url], env, 'bfk_not_a_real_key\n');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/API key is unknown or revoked[\s\S]*bookflow login/);
  });

  it('creates an endpoint, publishes the example event, and shows the delivery with its attempt', async () => {
    const endpoint = await runJson<{ id: string; secret: string }>(
      ['endpoints', 'create', '--url', receiver.url, '--types', 'meeting.booked,call.ended'],
      env,
    );
    expect(endpoint.secret).toMatch(/^whsec_/);
    const listed = await runJson<Array<{ id: string; event_types: string[] }>>(['endpoints', 'list'], env);
    expect(listed).toEqual([
      expect.objectContaining({ id: endpoint.id, event_types: ['meeting.booked', 'call.ended'] }),
    ]);

    const sent = await runJson<{ id: string }>(['events', 'send', 'meeting.booked', '--example'], env);
    await receiver.waitFor(1);
    const deliveries = await eventually(async () => {
      const page = await runJson<{ data: Array<{ id: string; status: string; event_id: string }> }>(
        ['deliveries', 'list', '--status', 'succeeded'],
        env,
      );
      return page.data.length === 1 ? page.data : null;
    });
    expect(deliveries[0]!.event_id).toBe(sent.id);
    const shown = await runJson<{ attempts: Array<{ status_code: number; response_body: string }> }>(
      ['deliveries', 'show', deliveries[0]!.id],
      env,
    );
    expect(shown.attempts).toEqual([expect.objectContaining({ status_code: 200, response_body: 'ok' })]);
    const events = await runJson<{ data: Array<{ id: string }> }>(['events', 'list'], env);
    expect(events.data.map((e) => e.id)).toEqual([sent.id]);
    const event = await runJson<{ type: string; deliveries: unknown[] }>(['events', 'show', sent.id], env);
    expect(event).toMatchObject({
      type: 'meeting.booked',
      deliveries: [expect.objectContaining({ status: 'succeeded' })],
    });
    const human = await runCli(['deliveries', 'show', deliveries[0]!.id], env);
    expect(human.stdout).toMatch(/succeeded[\s\S]*HTTP 200/);

    const data = await runCli(['events', 'send', 'call.ended', '--data', '{"nope":1}'], env);
    expect(data.code).toBe(1);
    expect(data.stderr).toContain('invalid_event_data');
  });

  it('updates, disables, enables, rotates the secret of, and deletes an endpoint', async () => {
    const { id } = await runJson<{ id: string }>(
      ['endpoints', 'create', '--url', receiver.url, '--types', 'lead.disqualified'],
      env,
    );
    expect(
      await runJson(
        ['endpoints', 'update', id, '--types', 'lead.disqualified,trial.ending', '--rate-limit', '5'],
        env,
      ),
    ).toMatchObject({
      event_types: ['lead.disqualified', 'trial.ending'],
      rate_limit: 5,
    });
    expect(await runJson(['endpoints', 'disable', id], env)).toMatchObject({
      enabled: false,
      disabled_reason: 'manual',
    });
    expect(await runJson(['endpoints', 'enable', id], env)).toMatchObject({ enabled: true });
    const rotated = await runJson<{ secret: string }>(
      ['endpoints', 'rotate-secret', id, '--overlap', '60'],
      env,
    );
    expect(rotated.secret).toMatch(/^whsec_/);
    const unconfirmed = await runCli(['endpoints', 'delete', id], env);
    expect(unconfirmed.code).toBe(7);
    expect(unconfirmed.stderr).toContain('--yes');
    expect((await runCli(['endpoints', 'delete', id, '--yes'], env)).code).toBe(0);
    const gone = await runCli(['endpoints', 'show', id], env);
    expect(gone.code).toBe(4);
    expect(gone.stderr).toContain('no endpoint with this id');
  });

  it('exits with a code and a message that says what to do', async () => {
    const noKey = await runCli(['endpoints', 'list'], cliEnv({ BOOKFLOW_CONFIG: await isolatedConfig() }));
    expect(noKey.code).toBe(3);
    expect(noKey.stderr).toContain('run `bookflow login`');
    const down = await runCli(
      ['endpoints', 'list'],
      cliEnv({ BOOKFLOW_API_URL: 'http://127.0.0.1:9', BOOKFLOW_API_KEY: key, BOOKFLOW_CONFIG: configFile }),
    );
    expect(down.code).toBe(5);
    expect(down.stderr).toContain('cannot reach the platform');
    const usage = await runCli(['events', 'send', 'meeting.booked'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give exactly one of --data and --example');
    const unknown = await runCli(['endpoints', 'frobnicate'], env);
    expect(unknown.code).toBe(2);
    const help = await runCli(['deliveries', 'replay', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--status');
  });

  it('prints bash and zsh completion scripts that know the commands', async () => {
    const bash = await runCli(['completion', 'bash'], env);
    expect(bash.stdout).toContain('complete -F _bookflow bookflow');
    expect(bash.stdout).toContain(
      '"endpoints") words="list create show update disable enable rotate-secret delete test',
    );
    expect((await runCli(['completion', 'zsh'], env)).stdout).toContain('#compdef bookflow');
  });
});
