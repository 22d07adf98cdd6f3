import {
  booleanField,
  checkedField,
  durationField,
  type Env,
  type Field,
  FieldError,
  field,
  integerField,
  optionalString,
} from '@bookflow/env-config';
import { formatDuration } from '@bookflow/events';
import {
  DEFAULT_VOLUME_CHECK_DELAY_MS,
  DEFAULT_VOLUME_POLICY,
  DEFAULT_VOLUME_RETENTION_WEEKS,
  MAX_VOLUME_WEEKS,
  VOLUME_CHECK_DELAY_LIMIT_MS,
} from '@bookflow/receiver';

/** The kit's limit on the check's delay, as the variable takes it ("1h"). */
const DELAY_LIMIT = formatDuration(VOLUME_CHECK_DELAY_LIMIT_MS);

/** A fraction from 0 to 1, e.g. 0.3 for 30 %. */
function fraction(raw: string | undefined, fallback: number): number {
  const value = optionalString(raw);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1)
    throw new FieldError('must be a fraction above 0 and at most 1, e.g. 0.3');
  return n;
}

function fractionField(env: string, fallback: number, description: string): Field<number> {
  return field({ env, description, defaultText: String(fallback), parse: (raw) => fraction(raw, fallback) });
}

/** The value another field will have, for checks across fields (unparseable: its own error says so). */
function other(env: Env, name: string, fallback: number): number {
  const n = Number(optionalString(env[name]) ?? fallback);
  return Number.isFinite(n) ? n : fallback;
}

/** The receiver kit's volume-anomaly check (its README, "Volume anomaly check"). */
export const VOLUME_FIELDS = {
  volumeCheck: booleanField(
    'BOOKFLOW_RECEIVER_VOLUME_CHECK',
    true,
    'Check hourly whether an event type’s volume fell far below the same hour of previous weeks, and alert.',
  ),
  volumeCheckDelayMs: checkedField(
    durationField(
      'BOOKFLOW_RECEIVER_VOLUME_CHECK_DELAY',
      formatDuration(DEFAULT_VOLUME_CHECK_DELAY_MS),
      `How long after each hour the volume check judges the hour that just ended (under ${DELAY_LIMIT}).`,
    ),
    (ms) => (ms >= VOLUME_CHECK_DELAY_LIMIT_MS ? `must be under ${DELAY_LIMIT}` : undefined),
  ),
  // This consumer's stores keep counts for the kit's default retention, so more weeks than the
  // kit's MAX_VOLUME_WEEKS would reach hours already deleted (the kit itself does not refuse them).
  volumeWeeks: integerField(
    'BOOKFLOW_RECEIVER_VOLUME_WEEKS',
    DEFAULT_VOLUME_POLICY.weeks,
    { min: 1, max: MAX_VOLUME_WEEKS },
    `Previous weeks whose same hour makes the baseline (counts are kept ${DEFAULT_VOLUME_RETENTION_WEEKS} weeks).`,
  ),
  volumeMinWeeks: field({
    env: 'BOOKFLOW_RECEIVER_VOLUME_MIN_WEEKS',
    description: 'Weeks of history a type needs before it is judged at all.',
    defaultText: String(DEFAULT_VOLUME_POLICY.minWeeks),
    parse: (raw, env) => {
      const weeks = other(env, 'BOOKFLOW_RECEIVER_VOLUME_WEEKS', DEFAULT_VOLUME_POLICY.weeks);
      const n = Number(optionalString(raw) ?? DEFAULT_VOLUME_POLICY.minWeeks);
      if (!Number.isInteger(n) || n < 1 || n > weeks)
        throw new FieldError(`must be an integer from 1 to BOOKFLOW_RECEIVER_VOLUME_WEEKS (${weeks})`);
      return n;
    },
  }),
  volumeDropBelow: checkedField(
    fractionField(
      'BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW',
      DEFAULT_VOLUME_POLICY.dropBelow,
      'Alert when the last hour is below this fraction of the baseline.',
    ),
    (n) => (n >= 1 ? 'must be below 1' : undefined),
  ),
  volumeRecoverAt: checkedField(
    fractionField(
      'BOOKFLOW_RECEIVER_VOLUME_RECOVER_AT',
      DEFAULT_VOLUME_POLICY.recoverAt,
      'An open volume alert resolves when the hour is back to this fraction of the baseline.',
    ),
    (n, env) => {
      const dropBelow = other(env, 'BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW', DEFAULT_VOLUME_POLICY.dropBelow);
      return n < dropBelow
        ? `must be at least BOOKFLOW_RECEIVER_VOLUME_DROP_BELOW (${dropBelow})`
        : undefined;
    },
  ),
  volumeMinExpected: integerField(
    'BOOKFLOW_RECEIVER_VOLUME_MIN_EXPECTED',
    DEFAULT_VOLUME_POLICY.minExpected,
    { min: 1, max: 1_000_000_000 },
    'Smallest baseline (events in the hour) worth judging; quieter hours and types never alert.',
  ),
};
