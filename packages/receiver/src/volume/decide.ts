import type { VolumeVerdict } from './judge.ts';

export type VolumeAction = 'alert' | 'resolve' | 'none';

/**
 * One alert per episode: alert when a type goes low with no alert open, resolve when it is back to
 * normal with one open; nothing while it stays low, hovers between the thresholds, or cannot be
 * judged (a night in the middle of an outage neither repeats nor resolves the alert).
 */
export function decideVolumeAlert(verdict: VolumeVerdict, open: boolean): VolumeAction {
  if (verdict === 'low' && !open) return 'alert';
  if (verdict === 'normal' && open) return 'resolve';
  return 'none';
}
