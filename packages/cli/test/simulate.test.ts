import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, isolatedConfig, runCli } from './support/cli.ts';
import { servedPlatform } from './support/platform.ts';

/** The last line of the simulator's summary: `stream sha256 <hex> (seed N)`. */
function streamHash(stdout: string): string | undefined {
  return /stream sha256 ([0-9a-f]{64})/.exec(stdout)?.[1];
}

describe('bookflow simulate', () => {
  let served: Awaited<ReturnType<typeof servedPlatform>>;

  beforeAll(async () => {
    served = await servedPlatform();
  });
  afterAll(async () => {
    await served?.close();
  });

  it('passes its options to the simulator: the same seed gives the same stream, a bad option says what to fix', async () => {
    const env = cliEnv({ BOOKFLOW_CONFIG: await isolatedConfig() });
    const args = ['simulate', '--dry-run', '--seed', '7', '--duration', '20s', '--quiet'];
    const [first, second] = await Promise.all([runCli(args, env), runCli(args, env)]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('dry run:');
    expect(streamHash(first.stdout)).toMatch(/^[0-9a-f]{64}$/);
    expect(streamHash(second.stdout)).toBe(streamHash(first.stdout));

    const other = await runCli(['simulate', '--dry-run', '--seed', '8', '--duration', '20s', '--quiet'], env);
    expect(streamHash(other.stdout)).not.toBe(streamHash(first.stdout));

    const bad = await runCli(['simulate', '--dry-run', '--rate', 'fast'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/simulate: .*rate/);

    const help = await runCli(['simulate', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--seed');
  });

  it("publishes with the CLI's configured platform and key, and every event is accepted", async () => {
    const { api_key: key } = await served.createAccount();
    const env = cliEnv({
      BOOKFLOW_API_URL: served.url,
      BOOKFLOW_API_KEY: key,
      BOOKFLOW_CONFIG: await isolatedConfig(),
    });
    const run = await runCli(
      ['simulate', '--seed', '3', '--duration', '5s', '--speed', 'max', '--quiet'],
      env,
    );
    expect(run.stderr).toContain(`publishing to ${served.url}`);
    expect(run.code).toBe(0);
    const accepted = /(\d+) events accepted by .*, 0 failed/.exec(run.stdout);
    expect(Number(accepted?.[1])).toBeGreaterThan(0);
    const listed = await served.call('GET', '/v1/events?limit=250', key);
    expect((listed.body as { data: unknown[] }).data.length).toBeGreaterThan(0);
  });
});
