import { PLATFORM_EVENT_TYPES } from '@bookflow/events';

/** The account events only the platform produces (platform-events/): publishing one is refused. */
export type PlatformEventType = (typeof PLATFORM_EVENT_TYPES)[number];

export function isPlatformEventType(type: string): type is PlatformEventType {
  return (PLATFORM_EVENT_TYPES as readonly string[]).includes(type);
}
