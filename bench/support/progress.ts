// Progress lines go to stderr so stdout carries only the tables (pipe it to a file to keep them).
const started = performance.now();

export function progress(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${seconds}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `check` until it returns true; throws after `timeoutMs` so a stuck run ends with a message
 * instead of hanging. `describe` says what was awaited and how far it got.
 */
export async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  describe: () => Promise<string> | string,
  intervalMs = 20,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await sleep(intervalMs);
  }
}
