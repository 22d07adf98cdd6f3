import { dateTime, eventSchema, object, oneOf, quantity, text } from './shared.ts';

export const USAGE_THRESHOLDS = [75, 90, 100] as const;

export const usageThresholdSchema = eventSchema(
  'usage.threshold',
  'The account crossed 75, 90 or 100 % of its plan minutes for the period.',
  object({
    threshold_percent: oneOf(USAGE_THRESHOLDS, 'the threshold crossed'),
    minutes_used: quantity('call minutes used this period, at or above the threshold'),
    minutes_included: quantity('call minutes the plan includes per period'),
    plan: text('plan name'),
    period_start: dateTime('start of the billing period'),
    period_end: dateTime('end of the billing period (exclusive)'),
  }),
);
