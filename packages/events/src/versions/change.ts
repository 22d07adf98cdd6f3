import type { EventType } from '../types.ts';

type Data = Record<string, unknown>;

/** One change a version made, in the style of Stripe's version changes. */
export interface VersionChange {
  /** One sentence for the changelog. */
  description: string;
  /** The event types it touches; omitted: every type. */
  types?: readonly EventType[];
  /** Event types this version introduced: they do not exist in (cannot be converted to) older ones. */
  addsTypes?: readonly EventType[];
  /** This version's `data` to the previous version's. */
  down?: (type: EventType, data: Data) => Data;
  /** The previous version's `data` to this version's. */
  up?: (type: EventType, data: Data) => Data;
}
