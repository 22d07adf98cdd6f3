import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type RawEvent, rawEventFromEnvelope } from '../warehouse/raw-event.ts';
import type { SqlWarehouse } from '../warehouse/warehouse.ts';

export interface LoadResult {
  lines: number;
  /** Events new to the warehouse. */
  inserted: number;
  /** Events whose id was already there (or repeated in the file). */
  duplicates: number;
}

export class LoadError extends Error {
  override readonly name = 'LoadError';
}

const BATCH = 5_000;

/**
 * Loads a JSON Lines file of envelopes (any schema version, unknown fields kept in the payload,
 * any order) in one transaction: a line that is not an envelope stops the load with its number
 * and nothing is written, so a fixed file can simply be loaded again.
 */
export async function loadEnvelopes(
  warehouse: SqlWarehouse,
  file: string,
  now: () => Date = () => new Date(),
): Promise<LoadResult> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (error) => reject(new LoadError(`cannot read ${file}: ${error.message}`)));
  });
  await opened;
  let lines = 0;
  let events = 0;
  const receivedAt = now();
  const inserted = await warehouse.transaction(async (tx) => {
    let count = 0;
    let batch: RawEvent[] = [];
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      lines++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new LoadError(
          `${file} line ${lines} is not valid JSON (one envelope per line); nothing was loaded`,
        );
      }
      const check = rawEventFromEnvelope(value, receivedAt);
      if (!check.ok)
        throw new LoadError(`${file} line ${lines}: the envelope ${check.problem}; nothing was loaded`);
      batch.push(check.event);
      events++;
      if (batch.length >= BATCH) {
        count += await tx.insertRaw(batch);
        batch = [];
      }
    }
    return count + (await tx.insertRaw(batch));
  });
  return { lines, inserted, duplicates: events - inserted };
}
