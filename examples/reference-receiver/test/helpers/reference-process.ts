import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The reference consumer's entry point, run as `npm run receiver` runs it. */
export const REFERENCE_MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

/** Starts `npm run receiver [args]` as a child process with only the given environment (and PATH). */
export function startReference(env: Record<string, string>, args: string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', REFERENCE_MAIN, ...args], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c) => {
    stderr += c;
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    stdout += `${line}\n`;
    try {
      logs.push(JSON.parse(line));
    } catch {
      // not a log line
    }
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, logs, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Runs a command of the reference consumer to its end. */
export async function runReference(env: Record<string, string>, args: string[]) {
  const run = startReference(env, args);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

export async function until<T>(check: () => T | undefined, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
