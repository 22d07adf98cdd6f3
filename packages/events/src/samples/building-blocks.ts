/**
 * The pieces sample payloads are made of, for tools that tell longer stories than one event (the
 * voice-agent simulator: a lead called three times, a meeting booked, moved, then held). Seeded,
 * so the same seed gives the same people, phrases and times.
 */
export { businessSlot, DAY, iso, localDate, MINUTE, plus, SECOND, wallClock } from './clock.ts';
export {
  CAMPAIGNS as LEAD_CAMPAIGNS,
  type Cast,
  SELLERS,
  SOURCES as LEAD_SOURCES,
  sampleCast,
  samplePhone,
} from './people.ts';
export { CANCEL_REASONS, DISQUALIFY_NOTES, sampleDisqualification } from './phrases.ts';
export { Random, randomSeed } from './random.ts';
