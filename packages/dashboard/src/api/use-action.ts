import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';

/**
 * A user's action on a page (save, rotate, remove…): `run` clears the last error and note, runs
 * the action, refreshes the queries named in `refresh` once it succeeded, and keeps what it threw
 * for the page to show with <ErrorNote>. `setNote` says what the action did.
 */
export function useAction(refresh: readonly QueryKey[] = []) {
  const client = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  async function run(action: () => Promise<unknown>): Promise<void> {
    setError(null);
    setNote(null);
    try {
      await action();
      for (const queryKey of refresh) await client.invalidateQueries({ queryKey });
    } catch (err) {
      setError(err);
    }
  }
  return { run, error, note, setNote, client };
}
