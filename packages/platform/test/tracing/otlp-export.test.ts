import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { sampleData } from '@bookflow/events';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, POSTGRES_URL, type TestDatabase } from '../support/databases.ts';
import { startOtlpSink } from '../support/otlp-sink.ts';
import { eventually, TEST_MASTER_KEY_HEX } from '../support/platform.ts';
import { startReceiver, type TestReceiver } from '../support/receiver.ts';

// What an operator does: set OTEL_EXPORTER_OTLP_ENDPOINT, start the platform (`npm start`'s entry
// point, a real process), publish, and see one trace at the OTLP endpoint (a local one here).

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const ADMIN = 'otlp-test-admin-token';
const TRACE = '5b8efff798038103d269b633813fc60c';
const CALLER_SPAN = 'eee19b7ec3c1b174';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.skipIf(!POSTGRES_URL)('traces exported over OTLP/HTTP by a platform process', () => {
  let database: TestDatabase;
  let sink: Awaited<ReturnType<typeof startOtlpSink>>;
  let receiver: TestReceiver;
  let child: ChildProcess;
  let stdout = '';
  let base: string;

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    sink = await startOtlpSink();
    receiver = await startReceiver();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: database.url!,
        BOOKFLOW_MASTER_KEY: TEST_MASTER_KEY_HEX,
        BOOKFLOW_ADMIN_TOKEN: ADMIN,
        BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS: 'true',
        BOOKFLOW_POLL_INTERVAL: '100ms',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    await eventually(async () => (await request(`${base}/healthz`)).statusCode === 200, 60_000);
  }, 90_000);

  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await receiver.close();
    await sink.close();
    await database.close();
  });

  async function call(method: 'POST', path: string, token: string, body: object, headers = {}) {
    const res = await request(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return (await res.body.json()) as Record<string, string>;
  }

  it('one trace from the publish to the delivery, with pg and HTTP spans, and trace ids in the logs', async () => {
    const account = await call('POST', '/v1/accounts', ADMIN, { name: 'Acme' });
    await call('POST', '/v1/endpoints', account.api_key!, {
      url: receiver.url,
      event_types: ['meeting.booked'],
    });
    const event = await call(
      'POST',
      '/v1/events',
      account.api_key!,
      { type: 'meeting.booked', data: sampleData('meeting.booked') },
      { traceparent: `00-${TRACE}-${CALLER_SPAN}-01` },
    );
    await receiver.waitFor(1);
    const sentParent = String(receiver.requests[0]!.headers.traceparent).split('-')[2];

    // SIGTERM: the platform stops, and the SDK's shutdown exports what is left.
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;

    const trace = sink.spans.filter((s) => s.traceId === TRACE);
    const names = new Set(trace.map((s) => s.name));
    for (const name of ['request', 'event publish', 'delivery claim', 'delivery attempt']) {
      expect(names).toContain(name);
    }
    expect(trace.every((s) => s.service === 'bookflow-platform')).toBe(true);
    const attempt = trace.find((s) => s.name === 'delivery attempt')!;
    expect(attempt.spanId).toBe(sentParent);
    expect(attempt.attributes['bookflow.event.id']).toBe(event.id);
    // The official pg instrumentation's spans, with the database semantic conventions.
    expect(trace.some((s) => s.name.startsWith('pg.query'))).toBe(true);
    const logged = stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.msg === 'event accepted')?.trace_id).toBe(TRACE);
  });
});
