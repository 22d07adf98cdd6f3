// Child processes keep the load generator, the receiver and the worker under test off each other's
// event loop (they still share the machine's cores, as they would on a small server). The parent
// talks to each child over the IPC channel: one request, one answer, matched by id.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './cleanup.ts';

interface Request {
  id: number;
  cmd: string;
  arg?: unknown;
}
type Answer = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export interface Child {
  readonly pid: number;
  call<T = unknown>(cmd: string, arg?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to finish ('stop' command), then makes sure it exits. */
  stop(): Promise<void>;
}

export interface ChildOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  execArgv?: string[];
  env?: Record<string, string>;
}

/** Starts `bench/children/<name>.ts` with `spec` (JSON in BENCH_SPEC) and waits for its ready message. */
export async function startChild(name: string, spec: unknown, options: ChildOptions = {}): Promise<Child> {
  const script = fileURLToPath(new URL(`../children/${name}.ts`, import.meta.url));
  const child = spawn(process.execPath, [...(options.execArgv ?? []), '--import', 'tsx', script], {
    env: { ...process.env, ...options.env, BENCH_SPEC: JSON.stringify(spec) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Send failures are handled per call; without a listener they would crash the bench.
  child.on('error', () => {});
  const kill = onCleanup(`child ${name} (${child.pid})`, () => killChild(child));
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let exitError: Error | null = null;
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: Answer | { ready: true }) => {
      if ('ready' in message) return resolve();
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.result);
      else waiter?.reject(new Error(`${name}: ${message.error}`));
    });
    child.on('exit', (code, signal) => {
      exitError = new Error(`child ${name} exited (code ${code}, signal ${signal})`);
      reject(exitError);
      for (const waiter of pending.values()) waiter.reject(exitError);
      pending.clear();
    });
  });
  await withTimeout(ready, 60_000, `child ${name} did not start`);

  const handle: Child = {
    pid: child.pid!,
    call<T>(cmd: string, arg?: unknown, timeoutMs = 600_000): Promise<T> {
      if (exitError) return Promise.reject(exitError);
      const id = nextId++;
      const answer = new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`child ${name} is gone`));
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        // A child exiting between the check and the send fails here, not as an unhandled 'error'.
        child.send({ id, cmd, arg } satisfies Request, (err) => {
          if (!err) return;
          pending.delete(id);
          reject(err);
        });
      });
      return withTimeout(answer, timeoutMs, `child ${name}: ${cmd} took over ${timeoutMs} ms`);
    },
    async stop() {
      if (!exitError && child.connected) await handle.call('stop', undefined, 30_000).catch(() => {});
      await kill();
    },
  };
  return handle;
}

/** Waits up to 5 s for a graceful exit, then SIGKILL: a bench never leaves a process behind. */
function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    else child.kill('SIGTERM');
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * The child's side: reads its spec, answers commands with `handlers`, and exits when the parent
 * goes away (the IPC channel closes), so a killed bench leaves no orphan.
 */
export function serveChild<Spec>(
  handlers: (spec: Spec) => Promise<Record<string, (arg: unknown) => Promise<unknown> | unknown>>,
): void {
  const spec = JSON.parse(process.env.BENCH_SPEC ?? '{}') as Spec;
  void (async () => {
    const table = await handlers(spec);
    // 'stop' may come twice (the command, then the channel closing): run it once.
    const stop = table.stop;
    let stopping: Promise<unknown> | null = null;
    table.stop = () => (stopping ??= Promise.resolve(stop?.(undefined)));
    process.on('message', async (request: Request) => {
      const send = (answer: Answer) => process.connected && process.send!(answer);
      try {
        const handler = table[request.cmd];
        if (!handler) throw new Error(`unknown command ${request.cmd}`);
        send({ id: request.id, ok: true, result: (await handler(request.arg)) ?? null });
        if (request.cmd === 'stop') setImmediate(() => process.exit(0));
      } catch (err) {
        send({ id: request.id, ok: false, error: (err as Error).stack ?? String(err) });
      }
    });
    process.on('disconnect', async () => {
      // The parent is gone or is cleaning up: run 'stop' (closes pools, queues) and leave.
      await Promise.race([table.stop!(undefined), new Promise((r) => setTimeout(r, 4_000))]).catch(() => {});
      process.exit(0);
    });
    process.send!({ ready: true });
  })().catch((err) => {
    process.stderr.write(`[bench child] failed to start: ${(err as Error).stack}\n`);
    process.exit(1);
  });
}
