import { Socket } from 'node:net';
import pg from 'pg';

/**
 * Vitest global setup: finds the PostgreSQL and Redis the integration suites need. A variable that
 * is set is used as given; an unset one is tried at its default local URL with a short timeout, and
 * set for the test workers (and the processes they start) when something answers there. Without
 * this, `npm test` on a machine running both services would quietly skip the cross-process, crash
 * and fault suites. One line says what was found and what is skipped.
 */

const DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  REDIS_URL: 'redis://127.0.0.1:6379',
} as const;

const TIMEOUT_MS = 1_000;

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: TIMEOUT_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A raw PING, so the probe needs no client library and cannot retry past its timeout. */
function redisAnswers(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = new Socket();
    let reply = '';
    let settled = false;
    const done = (found: boolean) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(found);
    };
    socket.setTimeout(TIMEOUT_MS, () => done(false));
    socket.once('error', () => done(false));
    // Something else on the port may hang up without a line of reply.
    socket.once('close', () => done(false));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.connect(Number(port || 6379), hostname, () => socket.write('PING\r\n'));
  });
}

async function resolve(
  name: keyof typeof DEFAULTS,
  label: string,
  answers: (url: string) => Promise<boolean>,
): Promise<string> {
  const given = process.env[name];
  if (given) return `${label} from ${name}`;
  if (await answers(DEFAULTS[name])) {
    process.env[name] = DEFAULTS[name];
    return `${label} found at ${DEFAULTS[name]}`;
  }
  return `${label} not found at ${DEFAULTS[name]}: its suites are skipped (set ${name} to use another)`;
}

export default async function setup(): Promise<void> {
  const found = await Promise.all([
    resolve('DATABASE_URL', 'PostgreSQL', postgresAnswers),
    resolve('REDIS_URL', 'Redis', redisAnswers),
  ]);
  console.log(`[tests] ${found.join('; ')}; PGlite and memory variants always run`);
}
