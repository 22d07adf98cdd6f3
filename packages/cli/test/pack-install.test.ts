import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deliveryHeaders, generateSecret } from '@bookflow/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installProject, pack, ROOT, run } from '../../receiver/test/helpers/pack.ts';
import { servedPlatform } from './support/platform.ts';

// What a user outside the repository does: npm pack the CLI, npm install the tarball into a
// project without TypeScript tooling, and run `bookflow` with plain node.

const dir = mkdtempSync(join(tmpdir(), 'bookflow-cli-consumer-'));
const BIN = join(dir, 'node_modules/@bookflow/cli/bin/bookflow.js');
let served: Awaited<ReturnType<typeof servedPlatform>> | undefined;

beforeAll(async () => {
  await run('npm', ['run', 'build', '-w', '@bookflow/cli'], { cwd: ROOT });
  const tarball = await pack(dir, ['cli']);
  // Its dependencies come from the tarball's package.json, nothing else.
  await installProject(dir, { '@bookflow/cli': tarball('cli') });
}, 600_000);

afterAll(async () => {
  await served?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `bookflow …` with plain node, only PATH and `env` in its environment, from the project folder. */
function bookflow(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          NO_COLOR: '1',
          BOOKFLOW_CONFIG: join(dir, 'config.json'),
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout: `${stdout}`, stderr: `${stderr}` }),
    );
  });
}

describe('the packed bookflow CLI, installed and run with plain node', { timeout: 300_000 }, () => {
  it('ships the bin and the built dist/ only, linked as `bookflow`, with no TypeScript tooling', () => {
    const pkg = join(dir, 'node_modules/@bookflow/cli');
    expect(readdirSync(pkg).sort()).toEqual(['bin', 'dist', 'package.json']);
    expect(readdirSync(join(pkg, 'dist'))).toContain('bookflow.js');
    expect(existsSync(join(dir, 'node_modules/.bin/bookflow'))).toBe(true);
    for (const absent of ['tsx', 'typescript', '@bookflow/events', '@bookflow/simulator']) {
      expect(existsSync(join(dir, 'node_modules', absent))).toBe(false);
    }
  });

  it('--help lists the commands and the exit codes', async () => {
    const help = await bookflow(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: bookflow');
    expect(help.stdout).toMatch(/endpoints[\s\S]*verify[\s\S]*simulate/);
    expect(help.stdout).toContain('6 verify: not verified');
  });

  it('verify: a signed sample verifies (exit 0), a tampered body does not (exit 6)', async () => {
    const secret = generateSecret();
    const id = crypto.randomUUID();
    const body = JSON.stringify({ id, type: 'meeting.booked', data: { amount: 1.0 } });
    const headers = deliveryHeaders({
      eventId: id,
      eventType: 'meeting.booked',
      schemaVersion: '2026-04-10',
      attempt: 1,
      deliveredAt: new Date(),
      body,
      secrets: [Buffer.from(secret.slice('whsec_'.length), 'base64')],
    });
    writeFileSync(join(dir, 'headers.json'), JSON.stringify(headers));
    writeFileSync(join(dir, 'body.json'), body);
    writeFileSync(join(dir, 'tampered.json'), body.replace('1', '2'));
    const args = (file: string) => [
      'verify',
      '--headers',
      'headers.json',
      '--body',
      file,
      '--secret',
      secret,
    ];

    const ok = await bookflow(args('body.json'));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('ok   standard-webhooks');
    expect(ok.stdout).toContain('ok   x-bookflow-signature');
    const tampered = await bookflow(args('tampered.json'));
    expect(tampered.code).toBe(6);
    expect(tampered.stdout).toContain('FAIL x-bookflow-signature');
  });

  it('endpoints list --json against a real platform', async () => {
    served = await servedPlatform();
    const key = (await served.createAccount()).api_key;
    const endpoint = await served.createEndpoint(key, 'http://127.0.0.1:9/placeholder', ['call.ended']);
    const listed = await bookflow(['endpoints', 'list', '--json'], {
      BOOKFLOW_API_URL: served.url,
      BOOKFLOW_API_KEY: key,
    });
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: endpoint.id, event_types: ['call.ended'] }),
    ]);
  });

  it('simulate says in one line that it runs from the repository, exit 2', async () => {
    const simulate = await bookflow(['simulate', '--dry-run']);
    expect(simulate.code).toBe(2);
    expect(simulate.stdout).toBe('');
    expect(simulate.stderr.trim().split('\n')).toEqual([
      'Error: bookflow simulate runs from the BookFlow Webhooks repository: npm run simulate',
    ]);
  });
});
