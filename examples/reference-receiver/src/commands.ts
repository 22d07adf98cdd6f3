import { DeadLetters, ReceiverMetrics, silentLogger } from '@bookflow/receiver';
import { request } from 'undici';
import { ADMIN_PREFIX, type DeadLetterLine, deadLetterLine } from './admin-routes.ts';
import type { ReceiverConfig } from './config/config.ts';
import { openStore } from './open-store.ts';
import { findRunningReceiver, type RunningReceiver, runtimeFilePath } from './runtime-file.ts';

/** The dead letter and its replay, seen the same way whether through a running receiver or the store. */
interface DeadLetterAccess {
  list(): Promise<DeadLetterLine[]>;
  replay(eventId: string | 'all'): Promise<number>;
  close(): Promise<void>;
}

export class CommandError extends Error {}

function throughRunningReceiver(running: RunningReceiver): DeadLetterAccess {
  const call = async (path: string, body?: unknown) => {
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(`${running.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new CommandError(
        `a receiver (pid ${running.pid}) holds this store but did not answer at ${running.url} (${(error as Error).message}); wait for it to start or stop it, then try again`,
      );
    }
    if (response.statusCode !== 200) {
      throw new CommandError(`the running receiver at ${running.url} answered ${response.statusCode}`);
    }
    return response.body.json();
  };
  return {
    list: async () => ((await call(`${ADMIN_PREFIX}?limit=1000`)) as { data: DeadLetterLine[] }).data,
    replay: async (eventId) =>
      (
        (await call(`${ADMIN_PREFIX}/replay`, eventId === 'all' ? { all: true } : { event_id: eventId })) as {
          replayed: number;
        }
      ).replayed,
    close: async () => undefined,
  };
}

async function throughStore(config: ReceiverConfig): Promise<DeadLetterAccess> {
  const { store } = await openStore(config);
  // No receiver (and so no secrets): the dead letter needs only the store. No worker runs here;
  // a replayed event waits for the next receiver's worker.
  const deadLetters = new DeadLetters({
    store,
    metrics: new ReceiverMetrics(),
    log: silentLogger,
    clock: () => new Date(),
    wake: () => undefined,
  });
  return {
    list: async () => (await deadLetters.list({ limit: 1000 })).map(deadLetterLine),
    replay: async (eventId) =>
      eventId === 'all' ? deadLetters.replayAll() : (await deadLetters.replay(eventId)) ? 1 : 0,
    close: () => store.close(),
  };
}

/**
 * A running receiver is asked through its admin route: its store may be an embedded database
 * that only one process may open, or memory. With none running, a shared store (PostgreSQL,
 * Redis) or an embedded database nobody holds is opened directly; memory has nothing to show.
 */
async function access(config: ReceiverConfig): Promise<DeadLetterAccess> {
  const running = await findRunningReceiver(config.dataDir);
  if (running) return throughRunningReceiver(running);
  if (config.store === 'memory') {
    throw new CommandError(
      `the memory store lives inside a running receiver, and none is running on ${config.dataDir} (no live ${runtimeFilePath(config.dataDir)}): start it with npm run receiver first`,
    );
  }
  return throughStore(config);
}

/** `dead-letters` and `replay <id> | replay --all`. Needs no signing secrets. */
export async function deadLetterCommand(config: ReceiverConfig, args: string[]): Promise<void> {
  if (args[0] === 'replay' && !args[1]) throw new CommandError('usage: replay <event id> | replay --all');
  const dead = await access(config);
  try {
    if (args[0] === 'dead-letters') {
      const lines = await dead.list();
      if (lines.length === 0) process.stdout.write('no dead letters\n');
      for (const d of lines) {
        process.stdout.write(
          `${d.event_id}  ${d.event_type}  attempts=${d.attempts}  dead_at=${d.dead_at}  ${d.last_error ?? ''}\n`,
        );
      }
      return;
    }
    const target = args[1] === '--all' ? 'all' : args[1]!;
    const replayed = await dead.replay(target);
    if (target === 'all') process.stdout.write(`replayed ${replayed} event(s)\n`);
    else if (replayed === 1) process.stdout.write(`replayed ${target}\n`);
    else {
      process.stdout.write(`${target} is not in the dead letter\n`);
      process.exitCode = 1;
    }
  } finally {
    await dead.close();
  }
}
