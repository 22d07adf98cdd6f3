import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sampleData } from '@bookflow/events';
import type { Platform } from '@bookflow/platform';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { delivery, SECRET } from './helpers/deliveries.ts';
import { installed, installProject, pack, ROOT, run } from './helpers/pack.ts';
import { ADMIN, call, startPlatform } from './helpers/platform.ts';
import { createTestDatabase, DATABASE_URL } from './helpers/postgres.ts';
import { waitFor } from './helpers/wait.ts';

// What a customer does: npm install the packed tarballs into a project without TypeScript
// tooling and run it with plain node, as CommonJS (Express) and as ESM (Fastify); then type-check
// a consumer file against the published declarations.

const FIXTURES = fileURLToPath(new URL('./fixtures/consumer/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bookflow-consumer-'));
const children: ChildProcess[] = [];
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let platform: Platform | undefined;

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: ROOT });
  const tarball = await pack(dir, ['events', 'receiver']);
  cpSync(FIXTURES, dir, { recursive: true });
  await installProject(dir, {
    '@bookflow/events': tarball('events'),
    '@bookflow/receiver': tarball('receiver'),
    express: installed('express'),
    fastify: installed('fastify'),
    pg: installed('pg'),
  });
  if (DATABASE_URL) database = await createTestDatabase();
}, 600_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await platform?.stop();
  await platform?.db.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function start(file: string, env: Record<string, string>) {
  const child = spawn(process.execPath, [file], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', SECRETS: SECRET, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      // not one of the app's lines
    }
  });
  const ready = waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`${file} exited: ${stderr}`);
      return lines.find((l) => typeof l.port === 'number');
    },
    { timeoutMs: 60_000, what: `${file} to listen` },
  );
  return { child, lines, ready, stderr: () => stderr };
}

/**
 * The app in `file`, run with a new account's endpoint secret on the one running platform: a
 * published event and its replay reach it as real deliveries, then test-signed ones check refusal.
 */
async function verifiesAndDedupes(file: string, env: Record<string, string>, ready: Record<string, unknown>) {
  const endpoint = await platformEndpoint(file);
  const app = start(file, { SECRETS: `${endpoint.secret},${SECRET}`, ...env });
  const { port } = (await app.ready) as { port: number };
  expect(await app.ready).toMatchObject(ready);
  const eventId = await platformDelivers(app, port, endpoint);
  await postSigned(app, port);
  expect(app.lines.filter((l) => l.handled === eventId)).toHaveLength(1);
  app.child.kill('SIGTERM');
  await new Promise((resolve) => app.child.once('exit', resolve));
}

/** An account of its own, with an endpoint for meeting.booked that points nowhere until its app listens. */
async function platformEndpoint(name: string) {
  platform ??= await startPlatform();
  const key = (await call(platform, 'POST', '/v1/accounts', ADMIN, { name })).api_key as string;
  const endpoint = await call(platform, 'POST', '/v1/endpoints', key, {
    url: 'http://127.0.0.1:9/placeholder',
    event_types: ['meeting.booked'],
  });
  return { key, id: endpoint.id as string, secret: endpoint.secret as string };
}

/**
 * Points the endpoint at the app, publishes an event and replays its delivery: the app accepts the
 * first and answers the replay as a duplicate, and its handler ran. Returns the event id.
 */
async function platformDelivers(
  app: ReturnType<typeof start>,
  port: number,
  endpoint: Awaited<ReturnType<typeof platformEndpoint>>,
): Promise<string> {
  const sender = platform!;
  const { key } = endpoint;
  await call(sender, 'PATCH', `/v1/endpoints/${endpoint.id}`, key, {
    url: `http://127.0.0.1:${port}/webhooks/bookflow`,
  });
  const event = await call(sender, 'POST', '/v1/events', key, {
    type: 'meeting.booked',
    data: sampleData('meeting.booked', { seed: 5 }),
  });
  const deliveryOf = async () =>
    (await call(sender, 'GET', `/v1/events/${event.id}/deliveries`, key)).data![0]!;
  await waitFor(async () => (await deliveryOf()).status === 'succeeded', {
    timeoutMs: 30_000,
    what: 'delivery',
  });
  // A replay sends the same event again: answered 200, deduped, not handled a second time.
  await call(sender, 'POST', `/v1/deliveries/${(await deliveryOf()).id}/replay`, key);
  await waitFor(
    async () => (await deliveryOf()).series === 2 && (await deliveryOf()).status === 'succeeded',
    {
      timeoutMs: 30_000,
      what: 'the replay',
    },
  );
  // What the app answered the platform, as the platform recorded it.
  const attempts = (await call(sender, 'GET', `/v1/deliveries/${(await deliveryOf()).id}/attempts`, key))
    .data!;
  const answers = attempts
    .map((a) => ({
      series: Number(a.series),
      status: a.status_code,
      body: JSON.parse(String(a.response_body)),
    }))
    .sort((x, y) => x.series - y.series);
  expect(answers).toEqual([
    { series: 1, status: 200, body: { id: event.id, status: 'accepted' } },
    { series: 2, status: 200, body: { id: event.id, status: 'duplicate' } },
  ]);
  await waitFor(() => app.lines.find((l) => l.handled === event.id), {
    timeoutMs: 30_000,
    what: 'the handler',
  });
  return event.id as string;
}

async function postSigned(app: ReturnType<typeof start>, port: number) {
  const url = `http://127.0.0.1:${port}/webhooks/bookflow`;
  const d = delivery('meeting.booked');
  const post = async (body: string) => {
    const response = await request(url, { method: 'POST', headers: d.headers, body });
    return { status: response.statusCode, body: await response.body.json() };
  };
  expect(await post(d.body)).toEqual({ status: 200, body: { id: d.id, status: 'accepted' } });
  expect(await post(d.body)).toEqual({ status: 200, body: { id: d.id, status: 'duplicate' } });
  expect(await post(d.body.replace('}', ',"x":1}'))).toMatchObject({
    status: 401,
    body: { code: 'no_matching_signature' },
  });
  await waitFor(() => app.lines.find((l) => l.handled === d.id), { timeoutMs: 30_000, what: 'the handler' });
  expect(app.lines.filter((l) => l.handled === d.id)).toHaveLength(1);
}

describe('the packed packages, installed and run with plain node', { timeout: 300_000 }, () => {
  it('ship dist/ only, with both module formats, declarations, source maps and the migrations', () => {
    const files = readdirSync(join(dir, 'node_modules/@bookflow/receiver/dist'));
    for (const entry of ['index', 'express', 'fastify', 'fetch', 'postgres', 'pglite', 'redis']) {
      expect(files).toEqual(
        expect.arrayContaining([`${entry}.js`, `${entry}.cjs`, `${entry}.d.ts`, `${entry}.d.cts`]),
      );
    }
    expect(files).toContain('index.js.map');
    expect(readdirSync(join(dir, 'node_modules/@bookflow/receiver/dist/migrations'))).toContain(
      '0002_jobs_body_text.sql',
    );
    expect(readdirSync(join(dir, 'node_modules/@bookflow/receiver'))).not.toContain('src');
    // The drivers are optional peers: none came with the kit.
    expect(readdirSync(join(dir, 'node_modules'))).not.toContain('ioredis');
  });

  it('CommonJS + Express (+ PostgreSQL through the optional pg): verifies and dedupes deliveries from the real platform', () =>
    verifiesAndDedupes('express-app.cjs', database ? { DATABASE_URL: database.url } : {}, {
      store: database ? 'postgres' : 'memory',
      unused: [],
    }));

  it('ESM + Fastify: verifies and dedupes deliveries from the real platform, and a missing driver names its package', () =>
    verifiesAndDedupes(
      'fastify-app.mjs',
      {},
      {
        store: 'memory',
        missingDriver:
          'The Redis store needs the "ioredis" package, which is not installed: npm install ioredis',
      },
    ));

  it('type-checks a consumer against the published .d.ts and .d.cts', async () => {
    const types = join(ROOT, 'node_modules/@types');
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [types],
          types: ['node'],
        },
        files: ['consumer.mts', 'consumer.cts'],
      }),
    );
    // pg ships no types: an application using it installs @types/pg (here, the repository's copy).
    cpSync(join(types, 'pg'), join(dir, 'node_modules/@types/pg'), { recursive: true });
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    const result = await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).catch((e) => e);
    expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toBe('');
  });
});
