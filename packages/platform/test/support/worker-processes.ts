import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_MASTER_KEY_HEX } from './platform.ts';

const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export interface WorkerProcess {
  child: ChildProcess;
  /** Lines the process wrote to stdout (pino JSON when LOG_LEVEL allows). */
  lines: string[];
  /** The last few kilobytes of stderr, to explain an unexpected exit. */
  stderrTail(): string;
  /** Resolves once the worker has started claiming; rejects if the process exits first. */
  ready: Promise<void>;
  /** Resolves when the process has exited, with its code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** True while the process runs. */
  alive(): boolean;
  /** Sends the signal and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts test/support/worker-process.ts (a worker-only platform) as a real child process with
 * `node --import tsx` (one process, so a SIGKILL hits the worker itself, not a wrapper), on the
 * given database with the test master key and private destinations allowed. `env` adds or
 * overrides BOOKFLOW_* settings.
 */
export function spawnWorker(databaseUrl: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      BOOKFLOW_MASTER_KEY: TEST_MASTER_KEY_HEX,
      BOOKFLOW_ALLOW_PRIVATE_DESTINATIONS: 'true',
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  let exitState: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitState = { code, signal };
      resolve(exitState);
    });
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) {
        if (line === 'worker-ready') resolve();
        else if (line) lines.push(line);
      }
    });
    void exited.then(({ code, signal }) =>
      reject(
        new Error(`worker process exited before it was ready (code ${code}, signal ${signal}): ${stderr}`),
      ),
    );
  });
  // Keep a rejection of `ready` after a deliberate kill from being reported as unhandled.
  ready.catch(() => {});
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-8_000);
  });
  return {
    child,
    lines,
    stderrTail: () => stderr,
    ready,
    exited,
    alive: () => exitState === null,
    async stop(signal) {
      if (exitState) return exitState;
      child.kill(signal);
      return exited;
    },
  };
}
