// Databases, Redis keys and child processes must go away even when a benchmark throws or the user
// presses Ctrl-C. Each resource registers its own undo here as soon as it exists.

type Undo = () => Promise<void> | void;

const undos = new Map<number, { what: string; undo: Undo }>();
let nextId = 0;

/** Registers an undo; returns a function that runs it now (once) and unregisters it. */
export function onCleanup(what: string, undo: Undo): () => Promise<void> {
  const id = nextId++;
  undos.set(id, { what, undo });
  return async () => {
    if (!undos.delete(id)) return;
    await undo();
  };
}

/** Runs every registered undo, newest first; failures are reported, never thrown. */
export async function cleanupAll(): Promise<void> {
  for (const [id, { what, undo }] of [...undos].reverse()) {
    undos.delete(id);
    try {
      await undo();
    } catch (err) {
      process.stderr.write(`[bench] cleanup of ${what} failed: ${(err as Error).message}\n`);
    }
  }
}

/** Ctrl-C, SIGTERM or a crash: clean up, then exit. */
export function cleanupOnSignals(): void {
  process.once('uncaughtException', (err) => {
    process.stderr.write(`[bench] uncaught: ${err.stack ?? err}\n[bench] cleaning up\n`);
    void cleanupAll().finally(() => process.exit(1));
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`[bench] ${signal}: cleaning up\n`);
      // A second signal while cleaning up kills at once.
      process.once(signal, () => process.exit(130));
      void cleanupAll().finally(() => process.exit(130));
    });
  }
}
