/**
 * Follows rows that appear in a table keyed by an increasing number (an attempt's bigserial id, a
 * delivery's creation time in microseconds), without losing rows that commit out of key order.
 *
 * Keys are handed out when a transaction runs, not when it commits, so a row with a smaller key
 * can become visible after one with a larger key. The watermark therefore keeps a `safe` key that
 * lags `graceMs` behind the newest key seen: every row at or below `safe` has been read; rows
 * above it are read again on each poll (and skipped if already emitted). A reconnecting client
 * resumes from `safe`, so it may see a row twice but never misses one, as long as no transaction
 * stays uncommitted for longer than the grace period after writing its row.
 */
export interface WatermarkSource<Row> {
  /** Rows with key in (after, upTo], oldest first, at most `limit`; `upTo` null means up to `head`. */
  read(after: number, upTo: number | null, limit: number): Promise<{ rows: Row[]; head: number }>;
  key(row: Row): number;
  id(row: Row): string;
}

export class Watermark<Row> {
  /** Every row with a key at or below this was read. */
  private safe: number;
  /** Every row with a key at or below this was read at least once (tail position). */
  private scanned: number;
  private readonly emitted = new Map<string, number>();
  private readonly heads: Array<{ at: number; head: number }> = [];

  constructor(
    private readonly source: WatermarkSource<Row>,
    start: number,
    private readonly graceMs: number,
    private readonly limit = 500,
    private readonly now: () => number = Date.now,
  ) {
    this.safe = start;
    this.scanned = start;
  }

  /** The position to resume from after a reconnect. */
  get position(): number {
    return this.safe;
  }

  /** New rows since the last poll, oldest first. */
  async poll(): Promise<Row[]> {
    const fresh: Row[] = [];
    // Late arrivals: rows between safe and the tail that committed after they were first passed.
    if (this.safe < this.scanned) {
      const late = await this.source.read(this.safe, this.scanned, this.limit * 4);
      for (const row of late.rows) this.take(row, fresh);
    }
    const tail = await this.source.read(this.scanned, null, this.limit);
    for (const row of tail.rows) this.take(row, fresh);
    const last = tail.rows.at(-1);
    this.scanned =
      tail.rows.length === this.limit && last ? this.source.key(last) : Math.max(this.scanned, tail.head);
    this.advance(tail.head);
    return fresh;
  }

  private take(row: Row, fresh: Row[]): void {
    const id = this.source.id(row);
    if (this.emitted.has(id)) return;
    this.emitted.set(id, this.source.key(row));
    fresh.push(row);
  }

  /** Moves `safe` to the newest head seen at least the grace period ago, never past the tail. */
  private advance(head: number): void {
    const now = this.now();
    this.heads.push({ at: now, head });
    let settled: number | null = null;
    while (this.heads.length > 0 && now - this.heads[0]!.at >= this.graceMs) {
      settled = this.heads.shift()!.head;
    }
    if (settled !== null) this.safe = Math.max(this.safe, Math.min(settled, this.scanned));
    for (const [id, key] of this.emitted) if (key <= this.safe) this.emitted.delete(id);
  }
}
