import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface SampleLanguage {
  name: string;
  /** The runtime that must be on PATH, for the skip message. */
  runtime: string;
  available: boolean;
  /** The command line that runs the sample; compiles it first when the language needs it. */
  prepare(): Promise<string[]>;
  cleanup(): Promise<void>;
}

function onPath(command: string, versionArgs: string[]): boolean {
  return spawnSync(command, versionArgs, { stdio: 'ignore' }).status === 0;
}

function interpreted(name: string, runtime: string, script: string): SampleLanguage {
  return {
    name,
    runtime,
    available: onPath(runtime, ['--version']),
    prepare: async () => [runtime, join(ROOT, script)],
    cleanup: async () => {},
  };
}

/** Go is compiled once per run: `go run` per process would rebuild (or at least relink) each time. */
function compiledGo(): SampleLanguage {
  let dir: string | null = null;
  return {
    name: 'go',
    runtime: 'go',
    available: onPath('go', ['version']),
    async prepare() {
      dir = await mkdtemp(join(tmpdir(), 'bookflow-verify-go-'));
      const binary = join(dir, 'verify-sample');
      // CGO off: the sample is pure Go, and the build then needs no C compiler on the machine.
      await promisify(execFile)('go', ['build', '-o', binary, './examples/verify/go'], {
        cwd: ROOT,
        // Go needs a build cache; CI may run without HOME, so give it one of its own when unset.
        env: {
          ...process.env,
          CGO_ENABLED: '0',
          GOCACHE: process.env.GOCACHE ?? join(tmpdir(), 'bookflow-go-cache'),
        },
      });
      return [binary];
    },
    async cleanup() {
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export const LANGUAGES: SampleLanguage[] = [
  { ...interpreted('node', process.execPath, 'examples/verify/node/server.mjs'), available: true },
  interpreted('python', 'python3', 'examples/verify/python/server.py'),
  compiledGo(),
  interpreted('ruby', 'ruby', 'examples/verify/ruby/server.rb'),
];

export interface RunningSample {
  /** http://127.0.0.1:<port>/webhooks/bookflow */
  url: string;
  /** Everything the sample printed, stdout and stderr. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a sample on a port the OS picks (PORT=0) and resolves once it prints the URL it listens
 * on, so no free-port guess can race with another process.
 */
export function startSample(
  command: string[],
  env: { secrets: string[]; now?: number },
): Promise<RunningSample> {
  const child: ChildProcess = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      BOOKFLOW_WEBHOOK_SECRET: env.secrets.join(' '),
      ...(env.now !== undefined ? { BOOKFLOW_VERIFY_NOW: String(env.now) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => {
      child.kill();
      rejectStart(new Error(`${command.join(' ')} printed no "listening on" line: ${output}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveStart({
          url: match[1]!,
          output: () => output,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill();
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`${command.join(' ')} exited with ${code} before listening: ${output}`));
    });
  });
}
