import type { VolumePolicy } from './policy.ts';

/** One type's counts for a check: the hour judged, and that hour in each previous week. */
export interface TypeVolume {
  /** Accepted events in the last full hour. */
  count: number;
  /**
   * The same hour 1, 2, ... weeks earlier; `undefined` where the receiver recorded nothing at all
   * in that hour (it was not running, or not yet installed), which is no evidence of normal.
   */
  history: readonly (number | undefined)[];
}

/**
 * How the hour compares with normal:
 * - `unjudged`: too little history, or a baseline too small to tell a drop from noise;
 * - `low`: below `dropBelow` of the baseline;
 * - `normal`: at least `recoverAt` of the baseline;
 * - `between`: neither, which keeps whatever the alert state was.
 */
export type VolumeVerdict = 'unjudged' | 'low' | 'between' | 'normal';

export interface VolumeJudgement {
  verdict: VolumeVerdict;
  /** The median of the weeks with data, when there are at least `minWeeks` of them. */
  baseline: number | undefined;
}

/**
 * The median rather than the mean: one holiday or one spike among the previous weeks moves a mean
 * a lot and a median of three or more weeks not at all.
 */
export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What is normal for this hour: the median of the previous weeks with data, if there are enough. */
export function volumeBaseline(history: TypeVolume['history'], policy: VolumePolicy): number | undefined {
  const known = history.slice(0, policy.weeks).filter((c): c is number => c !== undefined);
  return known.length >= policy.minWeeks ? median(known) : undefined;
}

/**
 * Judges one type's last hour against its baseline. The comparison is a ratio (count / baseline),
 * so multiplying every count by the same factor never changes the verdict while the baseline stays
 * above `minExpected`.
 */
export function judgeVolume(volume: TypeVolume, policy: VolumePolicy): VolumeJudgement {
  const baseline = volumeBaseline(volume.history, policy);
  if (baseline === undefined || baseline < policy.minExpected) return { verdict: 'unjudged', baseline };
  const ratio = volume.count / baseline;
  if (ratio < policy.dropBelow) return { verdict: 'low', baseline };
  if (ratio >= policy.recoverAt) return { verdict: 'normal', baseline };
  return { verdict: 'between', baseline };
}
