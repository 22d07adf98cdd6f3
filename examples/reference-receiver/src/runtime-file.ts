import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a running reference receiver leaves in its data directory, so that `dead-letters` and
 * `replay` talk to it instead of opening the store a second time. PGlite is single-process: a
 * second process opening the same directory would corrupt it. The token is new at every start and
 * the file is readable by its owner only.
 */
export interface RunningReceiver {
  pid: number;
  /** Base URL of the receiver's admin routes. */
  url: string;
  token: string;
}

const FILE = 'receiver.json';

export function runtimeFilePath(dataDir: string): string {
  return join(dataDir, FILE);
}

export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export async function writeRuntimeFile(dataDir: string, running: RunningReceiver): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(runtimeFilePath(dataDir), JSON.stringify(running), { mode: 0o600 });
}

/** Removes the file if it is still this process's (another receiver may have taken the directory). */
export async function removeRuntimeFile(dataDir: string, pid = process.pid): Promise<void> {
  const running = await readRuntimeFile(dataDir);
  if (running?.pid === pid) await rm(runtimeFilePath(dataDir), { force: true });
}

async function readRuntimeFile(dataDir: string): Promise<RunningReceiver | undefined> {
  try {
    const value = JSON.parse(await readFile(runtimeFilePath(dataDir), 'utf8')) as RunningReceiver;
    return typeof value.pid === 'number' && typeof value.url === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The receiver running on `dataDir`, or undefined when none is (no file, or its process is gone). */
export async function findRunningReceiver(dataDir: string): Promise<RunningReceiver | undefined> {
  const running = await readRuntimeFile(dataDir);
  if (!running || running.pid === process.pid) return undefined;
  try {
    process.kill(running.pid, 0); // signal 0: only asks whether the process exists
    return running;
  } catch (error) {
    // EPERM: it exists but belongs to another user; still running.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? running : undefined;
  }
}
