import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromPGlite } from '@bookflow/receiver/pglite';
import { PostgresStore } from '@bookflow/receiver/postgres';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { delivery, SECRET } from '../../../packages/receiver/test/helpers/deliveries.ts';
import { runReference, startReference, until } from './helpers/reference-process.ts';

// The reference consumer's command line as a user meets it, in child processes: the dead-letter
// commands without secrets and without opening an embedded database a receiver holds, and a
// port already in use.

const dirs: string[] = [];
function dataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'bookflow-recv-cli-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const quiet = { LOG_LEVEL: 'silent' };

/** One dead-lettered job, written to an embedded database before any receiver opens it. */
async function seedDeadLetter(dir: string): Promise<string> {
  const db = await PGlite.create(dir);
  const store = await PostgresStore.create({ db: fromPGlite(db) });
  const { id, body } = delivery('meeting.booked');
  const now = new Date();
  await store.accept({
    eventId: id,
    eventType: 'meeting.booked',
    schemaVersion: '2026-04-10',
    body,
    headers: {},
    receivedAt: now,
  });
  await store.claim({ workerId: 'seed', limit: 1, leaseMs: 60_000, now });
  await store.deadLetter(id, 'seed', now, 'Error: CRM down');
  await store.close();
  return id;
}

// Limits are generous: each step starts a process (and PGlite), slow on a busy machine.
describe('npm run receiver -- dead-letters / replay', { timeout: 300_000 }, () => {
  it('goes through the running receiver, never opening the embedded database it holds', async () => {
    const dir = dataDir();
    const id = await seedDeadLetter(dir);
    const env = { BOOKFLOW_RECEIVER_DATA_DIR: dir };
    const receiver = startReference({
      ...env,
      BOOKFLOW_WEBHOOK_SECRETS: SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      BOOKFLOW_RECEIVER_POLL_INTERVAL: '50ms',
    });
    try {
      await until(() => receiver.logs.find((l) => l.msg === 'receiver listening'));
      expect(existsSync(join(dir, 'receiver.json'))).toBe(true);

      const listed = await runReference({ ...quiet, ...env }, ['dead-letters']);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain(`${id}  meeting.booked  attempts=1`);
      expect(listed.stdout).toContain('Error: CRM down');

      // A second receiver on the same embedded database is refused before it opens it.
      const second = await runReference({ ...env, BOOKFLOW_WEBHOOK_SECRETS: SECRET, PORT: '0' }, []);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`is using the embedded database in ${dir}`);

      const replayed = await runReference({ ...quiet, ...env }, ['replay', id]);
      expect(replayed).toMatchObject({ code: 0, stdout: `replayed ${id}\n` });
      // The running receiver's worker handled it at once (the replay woke it).
      await until(() => receiver.logs.find((l) => l.msg === 'meeting booked' && l.event_id === id));
      expect(await runReference({ ...quiet, ...env }, ['dead-letters'])).toMatchObject({
        code: 0,
        stdout: 'no dead letters\n',
      });
    } finally {
      receiver.child.kill('SIGTERM');
      expect(await receiver.exited).toBe(0);
    }
    // Stopped cleanly: its runtime file is gone, and with no receiver running the command opens
    // the embedded database itself (still without secrets).
    expect(existsSync(join(dir, 'receiver.json'))).toBe(false);
    expect(await runReference({ ...quiet, ...env }, ['dead-letters'])).toMatchObject({
      code: 0,
      stdout: 'no dead letters\n',
    });
  });

  it('refuses with a clear message for the memory store when no receiver is running', async () => {
    const result = await runReference(
      { ...quiet, BOOKFLOW_RECEIVER_DATA_DIR: dataDir(), BOOKFLOW_RECEIVER_STORE: 'memory' },
      ['dead-letters'],
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the memory store lives inside a running receiver, and none is running');
  });
});

describe('npm run receiver on a port already in use', { timeout: 120_000 }, () => {
  let blocker: Server | undefined;
  afterAll(() => new Promise<void>((resolve) => (blocker ? blocker.close(() => resolve()) : resolve())));

  it('says which port and which variable changes it, in one line without a stack trace', async () => {
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    const result = await runReference(
      {
        ...quiet,
        BOOKFLOW_WEBHOOK_SECRETS: SECRET,
        BOOKFLOW_RECEIVER_STORE: 'memory',
        BOOKFLOW_RECEIVER_DATA_DIR: dataDir(),
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      [],
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `bookflow receiver: port ${port} is already in use on 127.0.0.1: set PORT to a free port, or stop the process using it\n`,
    );
  });
});
