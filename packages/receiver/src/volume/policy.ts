import { MAX_VOLUME_WEEKS } from '../stores/store.ts';

/** What the volume check compares and when it speaks. Every field has a default (DEFAULT_VOLUME_POLICY). */
export interface VolumePolicy {
  /** Previous weeks whose same hour makes the baseline. Default MAX_VOLUME_WEEKS (kept by default). */
  weeks: number;
  /** Fewest of those weeks that must have data before a type is judged at all. Default 3. */
  minWeeks: number;
  /** Alert when the last hour's count is below this fraction of the baseline. Default 0.3. */
  dropBelow: number;
  /**
   * An open alert resolves when the count is back to at least this fraction of the baseline.
   * Default 0.6: above dropBelow, so an hour hovering at the threshold does not alert and resolve
   * in turn.
   */
  recoverAt: number;
  /**
   * Smallest baseline worth judging: below it (nights, weekends, a rare type) a drop is noise.
   * Default 20 events in the hour.
   */
  minExpected: number;
}

export const DEFAULT_VOLUME_POLICY: VolumePolicy = {
  weeks: MAX_VOLUME_WEEKS,
  minWeeks: 3,
  dropBelow: 0.3,
  recoverAt: 0.6,
  minExpected: 20,
};

/** The defaults with the caller's choices over them; a nonsensical combination is refused at start. */
export function volumePolicy(options: Partial<VolumePolicy> = {}): VolumePolicy {
  const policy = { ...DEFAULT_VOLUME_POLICY, ...options };
  const problems: string[] = [];
  if (!Number.isInteger(policy.weeks) || policy.weeks < 1) problems.push('weeks must be an integer ≥ 1');
  if (!Number.isInteger(policy.minWeeks) || policy.minWeeks < 1 || policy.minWeeks > policy.weeks)
    problems.push('minWeeks must be an integer from 1 to weeks');
  if (!(policy.dropBelow > 0 && policy.dropBelow < 1)) problems.push('dropBelow must be between 0 and 1');
  if (!(policy.recoverAt >= policy.dropBelow && policy.recoverAt <= 1))
    problems.push('recoverAt must be from dropBelow to 1');
  if (!(policy.minExpected >= 1)) problems.push('minExpected must be at least 1');
  if (problems.length > 0) throw new TypeError(`volume check: ${problems.join('; ')}`);
  return policy;
}
